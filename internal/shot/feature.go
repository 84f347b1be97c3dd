package shot

import "math"

// makeThumb reduces a packed RGB24 frame (or an 8-bit luma frame, when
// pix holds fewer than w*h*3 bytes) to Side×Side luma by area averaging.
func makeThumb(pix []byte, w, h int) *thumb {
	t := &thumb{}
	if w <= 0 || h <= 0 || len(pix) < w*h {
		return t
	}
	bpp := 3
	if len(pix) < w*h*3 {
		bpp = 1
	}
	var sum [Side * Side]float32
	var cnt [Side * Side]float32
	for y := range h {
		ty := y * Side / h
		row := pix[y*w*bpp:]
		for x := range w {
			tx := x * Side / w
			var l float32
			if bpp == 1 {
				l = float32(row[x])
			} else {
				p := row[x*3:]
				l = 0.299*float32(p[0]) + 0.587*float32(p[1]) + 0.114*float32(p[2])
			}
			sum[ty*Side+tx] += l
			cnt[ty*Side+tx]++
		}
	}
	var m float64
	for i := range t.luma {
		if cnt[i] > 0 {
			t.luma[i] = sum[i] / cnt[i] / 255
		} else if i > 0 { // frames smaller than Side: repeat the neighbour
			t.luma[i] = t.luma[i-1]
		}
		m += float64(t.luma[i])
	}
	m /= Side * Side
	var v float64
	for _, l := range t.luma {
		v += (float64(l) - m) * (float64(l) - m)
	}
	t.mean = float32(m)
	t.std = float32(math.Sqrt(v / (Side * Side)))
	return t
}

// sharpness is the variance of the Laplacian: blurred frames (the middle
// of a dissolve, motion blur) score low.
func sharpness(t *thumb) float64 {
	var s, ss float64
	n := 0
	for y := 1; y < Side-1; y++ {
		for x := 1; x < Side-1; x++ {
			i := y*Side + x
			l := 4*t.luma[i] - t.luma[i-1] - t.luma[i+1] - t.luma[i-Side] - t.luma[i+Side]
			s += float64(l)
			ss += float64(l) * float64(l)
			n++
		}
	}
	m := s / float64(n)
	return ss/float64(n) - m*m
}

// blockTau is the mean absolute luma difference above which a block
// counts as changed.
const blockTau = 0.07

// compare returns the motion-compensated difference between two frames
// (mean over blocks of the best-matching block's mean absolute difference,
// searching ±search pixels) and the fraction of blocks that changed.
func compare(a, b *thumb) (mce, changed float64) {
	return compareInto(a, b, nil)
}

// compareInto is compare that also stores each block's error in errs.
func compareInto(a, b *thumb, errs *[blocks]float32) (mce, changed float64) {
	nb := 0
	for by := 0; by < Side; by += block {
		for bx := 0; bx < Side; bx += block {
			best := bestBlock(a, b, bx, by)
			if errs != nil {
				errs[nb] = float32(best)
			}
			mce += best
			if best > blockTau {
				changed++
			}
			nb++
		}
	}
	return mce / float64(nb), changed / float64(nb)
}

// endsDiffer reports whether compare(a, b) would give mce >= minMCE and a
// changed fraction >= minChanged, stopping its motion search once the
// answer is known.
func endsDiffer(a, b *thumb, minMCE, minChanged float64) bool {
	var sum float64
	changed, left := 0, blocks
	needMCE, needChanged := minMCE*blocks, minChanged*blocks
	for by := 0; by < Side; by += block {
		for bx := 0; bx < Side; bx += block {
			best := bestBlock(a, b, bx, by)
			sum += best
			if best > blockTau {
				changed++
			}
			left--
			if float64(changed+left) < needChanged {
				return false
			}
			if sum >= needMCE && float64(changed) >= needChanged {
				return true
			}
		}
	}
	return false
}

// bestBlock is the mean absolute difference between a's block at (bx, by)
// and the best-matching block of b within ±search pixels.
func bestBlock(a, b *thumb, bx, by int) float64 {
	// the unmoved block first: in still and slow pictures it is the best
	// or close, so the other offsets stop after a row or two (the minimum
	// is the same in any order)
	best := float64(blockSAD(a, b, bx, by, 0, 0, math.MaxFloat32))
	for dy := -search; dy <= search && best > 0; dy++ {
		if by+dy < 0 || by+dy+block > Side {
			continue
		}
		for dx := -search; dx <= search; dx++ {
			if bx+dx < 0 || bx+dx+block > Side || dx == 0 && dy == 0 {
				continue
			}
			// given up once worse than the best offset so far
			if s := blockSAD(a, b, bx, by, dx, dy, float32(best)); float64(s) < best {
				best = float64(s)
			}
		}
	}
	return best / (block * block)
}

// blockSAD is the sum of absolute differences between a's block at (bx, by)
// and b's at (bx+dx, by+dy), given up (returning a value ≥ limit) once it
// reaches limit at the end of a row.
func blockSAD(a, b *thumb, bx, by, dx, dy int, limit float32) float32 {
	var s float32
	for y := range block {
		ra := a.luma[(by+y)*Side+bx:]
		rb := b.luma[(by+dy+y)*Side+bx+dx:]
		for x := range block {
			d := ra[x] - rb[x]
			if d < 0 {
				d = -d
			}
			s += d
		}
		if s >= limit {
			break
		}
	}
	return s
}

// rawDiff is the mean absolute luma difference without motion search: an
// upper bound of compare's motion-compensated difference, at a 25th of
// the cost.
func rawDiff(a, b *thumb) float64 {
	var s float32
	for i := range a.luma {
		d := a.luma[i] - b.luma[i]
		if d < 0 {
			d = -d
		}
		s += d
	}
	return float64(s) / (Side * Side)
}

// blendFit is the result of fitting a window's frames as a blend of its
// two ends.
type blendFit struct {
	ok         bool
	start, end int
	mid        float64
	resid      float64
	spread     float64 // spread of per-block blend weights: high for wipes
	// reversals is the share of block-frames whose weight fell back by
	// more than half after rising: a wipe's blocks stay switched.
	reversals float64
}

// fitBlend fits each frame between a and b as A + α(B−A), block by block.
// A dissolve gives the same α in every block; a wipe gives 0 or 1 blocks
// whose mean rises; in both the residual is small and α rises from 0 to 1.
// A pan or zoom leaves a large residual.
func fitBlend(d *Detector, a, b int) blendFit {
	A, B := d.at(a), d.at(b)
	if A == nil || B == nil {
		return blendFit{}
	}
	var diff [Side * Side]float32
	for i := range diff {
		diff[i] = B.luma[i] - A.luma[i]
	}
	// per-block energy of the change; blocks that barely change carry no
	// information about α
	var energy [blocks]float64
	var informative [blocks]bool
	total := 0.0
	for bi := range blocks {
		bx, by := (bi%(Side/block))*block, (bi/(Side/block))*block
		for y := range block {
			for x := range block {
				v := float64(diff[(by+y)*Side+bx+x])
				energy[bi] += v * v
			}
		}
		total += energy[bi]
	}
	nInf := 0
	for bi := range blocks {
		if energy[bi] > 0.3*total/blocks && energy[bi] > block*block*0.002 {
			informative[bi] = true
			nInf++
		}
	}
	if nInf < blocks/4 {
		return blendFit{}
	}
	alphas := make([]float64, 0, b-a+1)
	alphas = append(alphas, 0)
	var residSum, spreadSum float64
	spreadN := 0
	var peak [blocks]float64
	reversals, blockFrames := 0, 0
	for k := a + 1; k < b; k++ {
		F := d.at(k)
		if F == nil {
			return blendFit{}
		}
		var am, as2, res, den float64
		for bi := range blocks {
			if !informative[bi] {
				continue
			}
			bx, by := (bi%(Side/block))*block, (bi/(Side/block))*block
			var num float64
			for y := range block {
				for x := range block {
					i := (by+y)*Side + bx + x
					num += float64(F.luma[i]-A.luma[i]) * float64(diff[i])
				}
			}
			al := num / energy[bi]
			al = math.Max(0, math.Min(1, al))
			var r float64
			for y := range block {
				for x := range block {
					i := (by+y)*Side + bx + x
					e := float64(F.luma[i]-A.luma[i]) - al*float64(diff[i])
					r += e * e
				}
			}
			res += r
			den += energy[bi]
			am += al
			if al < peak[bi]-0.5 {
				reversals++
			}
			peak[bi] = math.Max(peak[bi], al)
			blockFrames++
			as2 += al * al
		}
		am /= float64(nInf)
		sd := math.Sqrt(math.Max(0, as2/float64(nInf)-am*am))
		alphas = append(alphas, am)
		residSum += res / den
		if am > 0.2 && am < 0.8 {
			spreadSum += sd
			spreadN++
		}
	}
	alphas = append(alphas, 1)
	n := len(alphas) - 2
	if n <= 0 {
		return blendFit{}
	}
	fit := blendFit{resid: residSum / float64(n)}
	if blockFrames > 0 {
		fit.reversals = float64(reversals) / float64(blockFrames)
	}
	if spreadN > 0 {
		fit.spread = spreadSum / float64(spreadN)
	}
	// α must rise: from near 0 to near 1, with small backsteps only
	if alphas[1] > 0.25 || alphas[len(alphas)-2] < 0.75 {
		return fit
	}
	back := 0.0
	for i := 1; i < len(alphas); i++ {
		if dlt := alphas[i-1] - alphas[i]; dlt > 0 {
			back += dlt
		}
	}
	if back > 0.15 || fit.resid > 0.12 {
		return fit
	}
	fit.start, fit.end = -1, -1
	for i, al := range alphas {
		if al > 0.06 && fit.start < 0 {
			fit.start = a + i - 1
		}
		if al < 0.94 {
			fit.end = a + i + 1
		}
		if i > 0 && alphas[i-1] < 0.5 && al >= 0.5 {
			fit.mid = float64(a+i-1) + (0.5-alphas[i-1])/(al-alphas[i-1])
		}
	}
	// a transition must take a few frames; one frame is a hard cut's job
	if fit.start < 0 || fit.end-fit.start < 3 {
		return fit
	}
	fit.ok = true
	return fit
}
