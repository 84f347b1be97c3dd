package perception

import (
	"math"
	"sort"

	"gocv.io/x/gocv"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Camera movement: OpenCV's dense (Farnebäck) optical flow between
// consecutive sample frames at 128 px wide, then our own least-squares fit
// of a similarity motion (shift, zoom, roll) to the flow. What the fit does
// not explain is the subjects' own motion.

// Farnebäck's pyramid levels, window and iterations: three levels of a
// 96 px frame follow a pan of a tenth of the width between samples.
const (
	flowW      = 128
	flowLevels = 3
	flowWin    = 13
	flowIters  = 2
)

// pairMotion is the global motion between two consecutive samples.
type pairMotion struct {
	t0, t1   float64
	tx, ty   float64 // shift, in frame widths
	zoom     float64 // relative scale change
	residual float64 // mean flow the model leaves, in frame widths
}

type cameraTracker struct {
	prev   gocv.Mat
	prevT  float64
	has    bool
	pairs  []pairMotion
	fw, fh int
}

func newCameraTracker() *cameraTracker { return &cameraTracker{} }

// push takes the next people-size gray frame.
func (c *cameraTracker) push(t float64, pix []byte, w, h int) {
	if c.fw == 0 {
		c.fw = min(flowW, w)
		c.fh = max(2, h*c.fw/w)
	}
	small := resizeGray(pix, w, h, c.fw, c.fh)
	cur, err := gocv.NewMatFromBytes(c.fh, c.fw, gocv.MatTypeCV8U, small)
	if err != nil {
		return
	}
	if c.has {
		flow := gocv.NewMat()
		gocv.CalcOpticalFlowFarneback(c.prev, cur, &flow, 0.5, flowLevels, flowWin, flowIters, 5, 1.1, 0)
		if pm, ok := fitMotion(flow, c.fw, c.fh); ok {
			pm.t0, pm.t1 = c.prevT, t
			c.pairs = append(c.pairs, pm)
		}
		flow.Close()
		c.prev.Close()
	}
	c.prev, c.prevT, c.has = cur, t, true
}

func (c *cameraTracker) close() {
	if c.has {
		c.prev.Close()
		c.has = false
	}
}

// fitMotion fits shift + zoom + roll to a dense flow field, twice: the
// second pass leaves out the points the first fit explains worst (the
// moving subjects).
func fitMotion(flow gocv.Mat, w, h int) (pairMotion, bool) {
	if flow.Empty() || flow.Rows() != h || flow.Cols() != w {
		return pairMotion{}, false
	}
	data, err := flow.DataPtrFloat32()
	if err != nil {
		return pairMotion{}, false
	}
	type pt struct{ dx, dy, u, v float64 }
	var pts []pt
	cx, cy := float64(w-1)/2, float64(h-1)/2
	border := 4
	for y := border; y < h-border; y += 2 {
		for x := border; x < w-border; x += 2 {
			i := (y*w + x) * 2
			pts = append(pts, pt{float64(x) - cx, float64(y) - cy, float64(data[i]), float64(data[i+1])})
		}
	}
	if len(pts) < 16 {
		return pairMotion{}, false
	}
	fit := func(use []bool) (tx, ty, s, r float64) {
		var n, su, sv, sdx, sdy float64
		for i, p := range pts {
			if use != nil && !use[i] {
				continue
			}
			n++
			su += p.u
			sv += p.v
			sdx += p.dx
			sdy += p.dy
		}
		if n == 0 {
			return
		}
		mdx, mdy := sdx/n, sdy/n
		tx0, ty0 := su/n, sv/n
		var num, numR, den float64
		for i, p := range pts {
			if use != nil && !use[i] {
				continue
			}
			dx, dy := p.dx-mdx, p.dy-mdy
			u, v := p.u-tx0, p.v-ty0
			num += u*dx + v*dy
			numR += v*dx - u*dy
			den += dx*dx + dy*dy
		}
		if den > 0 {
			s, r = num/den, numR/den
		}
		// express the shift at the frame centre
		tx = tx0 - s*mdx + r*mdy
		ty = ty0 - s*mdy - r*mdx
		return
	}
	res := func(tx, ty, s, r float64, p pt) float64 {
		mu := tx + s*p.dx - r*p.dy
		mv := ty + s*p.dy + r*p.dx
		return math.Hypot(p.u-mu, p.v-mv)
	}
	tx, ty, s, r := fit(nil)
	rs := make([]float64, len(pts))
	for i, p := range pts {
		rs[i] = res(tx, ty, s, r, p)
	}
	sorted := append([]float64(nil), rs...)
	sort.Float64s(sorted)
	cut := math.Max(2*sorted[len(sorted)/2], 0.3)
	use := make([]bool, len(pts))
	for i := range pts {
		use[i] = rs[i] <= cut
	}
	tx, ty, s, r = fit(use)
	var sum float64
	for _, p := range pts {
		sum += res(tx, ty, s, r, p)
	}
	fw := float64(w)
	return pairMotion{tx: tx / fw, ty: ty / fw, zoom: s, residual: sum / float64(len(pts)) / fw}, true
}

// Camera thresholds, per second of video and in frame widths.
const (
	zoomPerS     = 0.05  // 5 % scale change a second
	panPerS      = 0.04  // 4 % of the width a second
	shakeRMS     = 0.004 // jitter between samples, in widths
	subjectScale = 0.08  // widths a second of residual flow that count as full motion
)

type shotCamera struct {
	motion  kmeme.CameraMotion
	subject float64
}

// classify gives each shot its camera movement from the sample pairs that
// lie inside it.
func (c *cameraTracker) classify(shots []kmeme.Shot) []shotCamera {
	c.close()
	out := make([]shotCamera, len(shots))
	for i, sh := range shots {
		out[i].motion = kmeme.CameraStatic
		var ps []pairMotion
		for _, p := range c.pairs {
			if p.t0 >= sh.Start-0.01 && p.t1 < sh.End-0.01 && p.t1 > p.t0 {
				ps = append(ps, p)
			}
		}
		if len(ps) == 0 {
			continue
		}
		var mx, my, mz, mres, dur float64
		zSign := 0
		for _, p := range ps {
			dt := p.t1 - p.t0
			mx += p.tx
			my += p.ty
			mz += p.zoom
			mres += p.residual / dt
			dur += dt
			if p.zoom > 0 {
				zSign++
			} else if p.zoom < 0 {
				zSign--
			}
		}
		n := float64(len(ps))
		vx, vy, vz := mx/dur, my/dur, mz/dur
		mx, my = mx/n, my/n
		var jitter float64
		for _, p := range ps {
			jitter += (p.tx-mx)*(p.tx-mx) + (p.ty-my)*(p.ty-my)
		}
		jitter = math.Sqrt(jitter / n)
		out[i].subject = math.Min(1, mres/n/subjectScale)
		switch {
		case math.Abs(vz) >= zoomPerS && math.Abs(float64(zSign)) >= 0.6*n:
			out[i].motion = kmeme.CameraZoom
		case math.Hypot(vx, vy) >= panPerS && math.Hypot(mx, my) >= jitter:
			out[i].motion = kmeme.CameraPan
		case jitter >= shakeRMS:
			out[i].motion = kmeme.CameraHandheld
		}
	}
	return out
}

// resizeGray scales a gray picture by area averaging (box filter).
func resizeGray(src []byte, sw, sh, dw, dh int) []byte {
	dst := make([]byte, dw*dh)
	if sw == dw && sh == dh {
		copy(dst, src)
		return dst
	}
	for y := 0; y < dh; y++ {
		y0, y1 := y*sh/dh, max((y+1)*sh/dh, y*sh/dh+1)
		for x := 0; x < dw; x++ {
			x0, x1 := x*sw/dw, max((x+1)*sw/dw, x*sw/dw+1)
			sum, n := 0, 0
			for yy := y0; yy < y1 && yy < sh; yy++ {
				row := src[yy*sw:]
				for xx := x0; xx < x1 && xx < sw; xx++ {
					sum += int(row[xx])
					n++
				}
			}
			if n > 0 {
				dst[y*dw+x] = byte((sum + n/2) / n)
			}
		}
	}
	return dst
}
