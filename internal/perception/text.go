package perception

import (
	"math"
	"sort"
)

// The on-screen text finder is ours: caption and sticker text is large,
// high-contrast and horizontal, so it shows as a dense run of strong
// luminance steps. Blocks of 4×4 pixels with enough strong steps are joined
// along the row, connected, and kept when the region is shaped and filled
// like a line (or two) of text. Each region is tracked across samples;
// Tesseract reads a region once, when it appears (or changes), not every
// frame.

const (
	blockPx     = 4
	stepMin     = 70  // a strong luminance step between pixels two apart
	blockEdges  = 4   // strong steps a 4×4 block needs to be "texty"
	gapBlocks   = 3   // horizontal gaps closed between texty blocks
	minFill     = 0.4 // texty share of a region's blocks
	maxTracks   = 120 // regions kept for reading in one file
	maxOCRCrops = 60  // regions read in one file
)

// region is one text candidate in a sample frame.
type region struct {
	x0, y0, x1, y1 int // pixels, exclusive max
	padY0, padY1   int // rows the padded crop keeps within, another line's edges (0: none)
	darkInk        bool
	sig            []float64 // ink share on a coarse grid, for change detection
}

// findTextRegions returns the text candidates in a gray frame.
func findTextRegions(pix []byte, w, h int) []region {
	bw, bh := w/blockPx, h/blockPx
	if bw < 4 || bh < 4 {
		return nil
	}
	counts := make([]uint8, bw*bh)
	for y := 0; y+2 < h; y++ {
		by := y / blockPx
		if by >= bh {
			break
		}
		row := pix[y*w : y*w+w]
		down := pix[(y+2)*w : (y+2)*w+w]
		for x := 0; x+2 < w; x++ {
			bx := x / blockPx
			if bx >= bw {
				break
			}
			a := int(row[x])
			d1 := a - int(row[x+2])
			d2 := a - int(down[x])
			if d1 < 0 {
				d1 = -d1
			}
			if d2 < 0 {
				d2 = -d2
			}
			if d1 >= stepMin || d2 >= stepMin {
				if c := &counts[by*bw+bx]; *c < 255 {
					*c++
				}
			}
		}
	}
	texty := make([]bool, bw*bh)
	for i, c := range counts {
		texty[i] = c >= blockEdges
	}
	// close small horizontal gaps (letter and word spacing)
	closed := append([]bool(nil), texty...)
	for by := 0; by < bh; by++ {
		last := -1
		for bx := 0; bx < bw; bx++ {
			if !texty[by*bw+bx] {
				continue
			}
			if last >= 0 && bx-last-1 <= gapBlocks {
				for k := last + 1; k < bx; k++ {
					closed[by*bw+k] = true
				}
			}
			last = bx
		}
	}
	// connected components, 4-neighbour
	label := make([]int32, bw*bh)
	var nLabels int32
	var out []region
	var boxes []blockBox
	stack := make([]int, 0, 256)
	for start := range closed {
		if !closed[start] || label[start] != 0 {
			continue
		}
		nLabels++
		id := nLabels
		label[start] = id
		stack = append(stack[:0], start)
		minX, minY, maxX, maxY := bw, bh, -1, -1
		nTexty, n := 0, 0
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%bw, i/bw
			n++
			if texty[i] {
				nTexty++
			}
			minX, maxX = min(minX, x), max(maxX, x)
			minY, maxY = min(minY, y), max(maxY, y)
			for _, j := range [4]int{i - 1, i + 1, i - bw, i + bw} {
				if j < 0 || j >= len(closed) || (j == i-1 && x == 0) || (j == i+1 && x == bw-1) {
					continue
				}
				if closed[j] && label[j] == 0 {
					label[j] = id
					stack = append(stack, j)
				}
			}
		}
		boxes = append(boxes, splitLines(label, id, texty, bw, minX, minY, maxX, maxY, nTexty)...)
	}
	var cands []region
	for _, b := range joinLineParts(boxes, texty, bw) {
		r := region{x0: b.x0 * blockPx, y0: b.y0 * blockPx, x1: (b.x1 + 1) * blockPx, y1: (b.y1 + 1) * blockPx}
		rw, rh := r.x1-r.x0, r.y1-r.y0
		switch {
		case rh < 16 || rh > h/3: // under 16 px of 432: smaller than a caption (the smallest line of the bench, 44 px at 720, is found 16 tall)
			continue
		case rw < 3*blockPx*3 || float64(rw) < 1.2*float64(rh):
			continue
		case b.fill < minFill:
			continue
		case rw > w*98/100 && rh > h/6: // a textured backdrop, not a line
			continue
		}
		cands = append(cands, r)
	}
	// a line's crop stops where the line touching it above or below
	// starts (two lines of one caption cut apart by splitLines): the
	// padding for ascenders and descenders would take in the top of the
	// next line ("으" of "내 마음" under "친구가 카톡 읽씹할 때"), which
	// tesseract reads as a syllable of this one. A region a gap away is
	// left alone: the padding may reach over a texture above a caption.
	for i := range cands {
		for j := range cands {
			a, b := &cands[i], &cands[j]
			ha, hb := a.y1-a.y0, b.y1-b.y0
			if i == j || b.y0 < a.y1 || b.y0-a.y1 > blockPx || min(a.x1, b.x1) <= max(a.x0, b.x0) || 3*min(ha, hb) < 2*max(ha, hb) {
				continue
			}
			// b is just below a, beside it, as tall: a line of the same
			// caption, not a band of ascenders or of picture
			if a.padY1 == 0 || b.y0 < a.padY1 {
				a.padY1 = b.y0
			}
			b.padY0 = max(b.padY0, a.y1)
		}
	}
	for _, r := range cands {
		if !r.classify(pix, w) {
			continue
		}
		out = append(out, r)
	}
	// put lines in reading order
	sort.Slice(out, func(i, j int) bool {
		if out[i].y0 != out[j].y0 {
			return out[i].y0 < out[j].y0
		}
		return out[i].x0 < out[j].x0
	})
	return out
}

// joinLineParts joins the pieces of one caption line that the gap closing
// left apart — words set wider than gapBlocks in a large font, a single
// square syllable between two words: boxes whose rows mostly overlap,
// whose heights are alike and whose horizontal gap is under 1.2 line
// heights become one box (fill recounted over the union).
func joinLineParts(in []blockBox, texty []bool, bw int) []blockBox {
	sort.Slice(in, func(i, j int) bool { return in[i].x0 < in[j].x0 })
	used := make([]bool, len(in))
	var out []blockBox
	for i := range in {
		if used[i] {
			continue
		}
		cur := in[i]
		for changed := true; changed; {
			changed = false
			for j := range in {
				if used[j] || j == i {
					continue
				}
				o := in[j]
				ha, hb := cur.y1-cur.y0+1, o.y1-o.y0+1
				ov := min(cur.y1, o.y1) - max(cur.y0, o.y0) + 1
				if ov*10 < 6*min(ha, hb) || 2*min(ha, hb) < max(ha, hb) {
					continue
				}
				gap := max(o.x0-cur.x1, cur.x0-o.x1) - 1
				if gap > (12*max(ha, hb)+9)/10 {
					continue
				}
				u := blockBox{x0: min(cur.x0, o.x0), y0: min(cur.y0, o.y0), x1: max(cur.x1, o.x1), y1: max(cur.y1, o.y1)}
				if 10*(cur.area()+o.area()) < 7*u.area() {
					// a line beside a textured patch of the picture (a
					// flag's stars, lower and taller): the parts of one
					// line fill most of their union's box
					continue
				}
				cur = u
				used[j] = true
				changed = true
			}
		}
		used[i] = true
		cur.fill = textyShare(cur, texty, bw)
		out = append(out, cur)
	}
	return out
}

func (b blockBox) area() int { return (b.x1 - b.x0 + 1) * (b.y1 - b.y0 + 1) }

// textyShare is the share of texty blocks in b.
func textyShare(b blockBox, texty []bool, bw int) float64 {
	n := 0
	for y := b.y0; y <= b.y1; y++ {
		for x := b.x0; x <= b.x1; x++ {
			if texty[y*bw+x] {
				n++
			}
		}
	}
	return float64(n) / float64((b.x1-b.x0+1)*(b.y1-b.y0+1))
}

type blockBox struct {
	x0, y0, x1, y1 int // blocks, inclusive
	fill           float64
}

// splitLines cuts a component into its lines (stacked caption lines, or a
// caption touching a textured part of the picture): the band of rows
// around the textiest row that are at least a third as texty as it, then
// the same again in the rows above and below that band, each band trimmed
// to its longest run of texty columns. The third is each band's own: a
// short line under a long one ("내 마음" under "친구가 카톡 읽씹할 때",
// touching it where the outlines meet) is a line, not the gap below one.
func splitLines(label []int32, id int32, texty []bool, bw, minX, minY, maxX, maxY, nTexty int) []blockBox {
	whole := blockBox{minX, minY, maxX, maxY, float64(nTexty) / float64((maxX-minX+1)*(maxY-minY+1))}
	if maxY-minY < 5 {
		return []blockBox{whole}
	}
	rows := make([]int, maxY-minY+1)
	for y := minY; y <= maxY; y++ {
		for x := minX; x <= maxX; x++ {
			if i := y*bw + x; label[i] == id && texty[i] {
				rows[y-minY]++
			}
		}
	}
	var bands [][2]int
	var cut func(lo, hi int)
	cut = func(lo, hi int) {
		if lo > hi {
			return
		}
		top := lo
		for y := lo; y <= hi; y++ {
			if rows[y-minY] > rows[top-minY] {
				top = y
			}
		}
		if rows[top-minY] == 0 {
			return
		}
		// a row is in the line when it has at least a third of the
		// line's textiest row's blocks: the gap between two stacked
		// lines falls under that
		ya, yb := top, top
		for ya > lo && rows[ya-1-minY]*3 >= rows[top-minY] {
			ya--
		}
		for yb < hi && rows[yb+1-minY]*3 >= rows[top-minY] {
			yb++
		}
		cut(lo, ya-1)
		bands = append(bands, [2]int{ya, yb})
		cut(yb+1, hi)
	}
	cut(minY, maxY)
	var out []blockBox
	for _, band := range bands {
		ya, yb := band[0], band[1]
		cols := make([]int, maxX-minX+1)
		for yy := ya; yy <= yb; yy++ {
			for x := minX; x <= maxX; x++ {
				if i := yy*bw + x; label[i] == id && texty[i] {
					cols[x-minX]++
				}
			}
		}
		// the longest run of texty columns, gaps of gapBlocks closed
		bx0, bx1, cx0, last := -1, -1, -1, -100
		for x, c := range cols {
			if c == 0 {
				continue
			}
			if x-last-1 > gapBlocks {
				cx0 = x
			}
			last = x
			if bx0 < 0 || x-cx0 > bx1-bx0 {
				bx0, bx1 = cx0, x
			}
		}
		if bx0 < 0 {
			continue
		}
		n := 0
		for yy := ya; yy <= yb; yy++ {
			for x := minX + bx0; x <= minX+bx1; x++ {
				if texty[yy*bw+x] {
					n++
				}
			}
		}
		b := blockBox{minX + bx0, ya, minX + bx1, yb, float64(n) / float64((bx1-bx0+1)*(yb-ya+1))}
		out = append(out, b)
	}
	return out
}

// classify decides the ink's polarity (dark ink on a bright card, or
// bright ink — plain or outlined white — on a picture), checks that the
// region has both ink and a contrasting ground, and computes its signature.
func (r *region) classify(pix []byte, w int) bool {
	bright, dark, n := 0, 0, 0
	innerBright, inner := 0, 0
	ix0, ix1 := r.x0+(r.x1-r.x0)/8, r.x1-(r.x1-r.x0)/8
	for y := r.y0; y < r.y1; y++ {
		for x := r.x0; x < r.x1; x++ {
			v := pix[y*w+x]
			in := x >= ix0 && x < ix1
			if v >= 200 {
				bright++
				if in {
					innerBright++
				}
			} else if v <= 80 {
				dark++
			}
			n++
			if in {
				inner++
			}
		}
	}
	fb, fd := float64(bright)/float64(n), float64(dark)/float64(n)
	if fb < 0.04 || fd < 0.02 {
		return false
	}
	// the polarity is the middle's: a region's ends may be picture joined
	// to the caption (a card's neighbours on its rows, dark around it)
	r.darkInk = float64(innerBright)/float64(inner) > 0.55
	r.sig = r.signature(pix, w)
	return true
}

// ink reports whether a pixel value is ink under the region's polarity.
func (r *region) ink(v byte) bool {
	if r.darkInk {
		return v < 128
	}
	return v >= 190
}

const sigW, sigH = 24, 6

// signature is the share of the region's letter ink on a coarse grid: ink
// in the crop around the region (cut's padding) that does not touch the
// crop's edge. The picture behind a caption reaches the edge, so a pan or
// a shaking camera under a still caption changes the signature little;
// another text in the same place changes it a lot.
func (r *region) signature(pix []byte, w int) []float64 {
	h := len(pix) / w
	x0, y0, x1, y1 := r.padded(w, h)
	cw, ch := x1-x0, y1-y0
	ink := make([]bool, cw*ch)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			ink[(y-y0)*cw+x-x0] = r.ink(pix[y*w+x])
		}
	}
	floodBorder(ink, cw, ch)
	sig := make([]float64, sigW*sigH)
	cnt := make([]float64, sigW*sigH)
	rw, rh := r.x1-r.x0, r.y1-r.y0
	for y := r.y0; y < r.y1; y++ {
		gy := (y - r.y0) * sigH / rh
		for x := r.x0; x < r.x1; x++ {
			g := gy*sigW + (x-r.x0)*sigW/rw
			cnt[g]++
			if ink[(y-y0)*cw+x-x0] {
				sig[g]++
			}
		}
	}
	for i := range sig {
		if cnt[i] > 0 {
			sig[i] /= cnt[i]
		}
	}
	return sig
}

// floodBorder clears the ink connected (4-neighbour) to the edge of a w×h
// mask: the picture around a caption, not its letters.
func floodBorder(ink []bool, w, h int) {
	stack := []int{}
	push := func(i int) {
		if ink[i] {
			ink[i] = false
			stack = append(stack, i)
		}
	}
	for x := 0; x < w; x++ {
		push(x)
		push((h-1)*w + x)
	}
	for y := 0; y < h; y++ {
		push(y * w)
		push(y*w + w - 1)
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := i%w, i/w
		if x > 0 {
			push(i - 1)
		}
		if x < w-1 {
			push(i + 1)
		}
		if y > 0 {
			push(i - w)
		}
		if y < h-1 {
			push(i + w)
		}
	}
}

// crop is a region cut out for reading: gray pixels and its polarity.
type crop struct {
	w, h    int
	pix     []byte
	darkInk bool
	lineH   int // the region's own height, the text's size
}

// padded is the region with cut's padding, inside the w×h frame.
func (r *region) padded(w, h int) (x0, y0, x1, y1 int) {
	pad := (r.y1 - r.y0) / 3
	vpad := 2 * (r.y1 - r.y0) / 3
	y1 = min(h, r.y1+vpad)
	if r.padY1 > 0 {
		y1 = min(y1, r.padY1)
	}
	return max(0, r.x0-pad), max(0, r.padY0, r.y0-vpad), min(w, r.x1+pad), y1
}

func (r *region) cut(pix []byte, w, h int) crop {
	// pad by a third of the height sideways (outlines) and two thirds up
	// and down: the region is found from the densest rows, the x-height,
	// and Latin ascenders and descenders reach past it (an f cut by the
	// crop's edge would be flooded away with the picture)
	x0, y0, x1, y1 := r.padded(w, h)
	c := crop{w: x1 - x0, h: y1 - y0, darkInk: r.darkInk, lineH: r.y1 - r.y0}
	c.pix = make([]byte, c.w*c.h)
	for y := y0; y < y1; y++ {
		copy(c.pix[(y-y0)*c.w:], pix[y*w+x0:y*w+x1])
	}
	return c
}

// track is one text region followed across samples.
type track struct {
	x0, y0, x1, y1 int
	first, last    float64
	seen           int
	sig            []float64
	crop           crop
}

// textTracker follows regions from sample to sample.
type textTracker struct {
	w, h    int
	active  []*track
	done    []*track
	dropped int
}

func newTextTracker(w, h int) *textTracker { return &textTracker{w: w, h: h} }

func (t *textTracker) push(ts float64, pix []byte) {
	regs := findTextRegions(pix, t.w, t.h)
	matched := make([]bool, len(t.active))
	var next []*track
	for i := range regs {
		r := &regs[i]
		best, bestIoU := -1, 0.0
		for k, tr := range t.active {
			if matched[k] {
				continue
			}
			iou := boxIoU(r.x0, r.y0, r.x1, r.y1, tr.x0, tr.y0, tr.x1, tr.y1)
			if iou > bestIoU {
				best, bestIoU = k, iou
			}
		}
		if best >= 0 && bestIoU >= 0.5 && sigDiff(r.sig, t.active[best].sig) <= 0.15 {
			tr := t.active[best]
			matched[best] = true
			tr.last = ts
			tr.seen++
			if tr.seen == 2 { // the second look: past any fade-in
				tr.crop = r.cut(pix, t.w, t.h)
				tr.sig = r.sig
				tr.x0, tr.y0, tr.x1, tr.y1 = r.x0, r.y0, r.x1, r.y1
			}
			next = append(next, tr)
			continue
		}
		if len(t.done)+len(t.active)+len(next) >= maxTracks {
			t.dropped++
			continue
		}
		next = append(next, &track{x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y1, first: ts, last: ts, seen: 1, sig: r.sig, crop: r.cut(pix, t.w, t.h)})
	}
	for k, tr := range t.active {
		if !matched[k] {
			t.done = append(t.done, tr)
		}
	}
	t.active = next
}

// tracks returns every track, finished or not, oldest first.
func (t *textTracker) tracks() []*track {
	all := append(append([]*track(nil), t.done...), t.active...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].first < all[j].first })
	return all
}

func boxIoU(ax0, ay0, ax1, ay1, bx0, by0, bx1, by1 int) float64 {
	ix := min(ax1, bx1) - max(ax0, bx0)
	iy := min(ay1, by1) - max(ay0, by0)
	if ix <= 0 || iy <= 0 {
		return 0
	}
	inter := float64(ix * iy)
	u := float64((ax1-ax0)*(ay1-ay0)+(bx1-bx0)*(by1-by0)) - inter
	return inter / u
}

func sigDiff(a, b []float64) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 1
	}
	s := 0.0
	for i := range a {
		s += math.Abs(a[i] - b[i])
	}
	return s / float64(len(a))
}
