package perception

import (
	"image"
	"math"
	"sort"

	"gocv.io/x/gocv"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Camera movement: OpenCV's pyramidal Lucas–Kanade tracker follows a
// grid of points from one sample frame to the next and back, at 160 px
// wide; the points on flat picture (no detail to follow: the tracker's
// eigenvalue test) and those that do not come back where they started (a
// caption appearing, a subject crossing) are dropped, and our own
// least-squares fit of a similarity motion (shift, zoom, roll) to the rest
// gives the camera's motion. What the fit does not explain is the
// subjects' own motion. On the bench corpus it costs under half the dense
// (Farnebäck) flow it replaced and finds the pans and zooms over soft
// pictures that the dense flow saw as still.

// The flow frame's width, the grid step, LK's window, pyramid and
// iterations: four levels (3 halvings) of 13 px windows follow a pan of a
// quarter of the width between samples.
const (
	flowW         = 160
	flowStep      = 16 // px between the points followed
	flowMinPoints = 12 // points a motion is fitted to at least
	flowLevels    = 3
	flowWin       = 13
	flowIters     = 10
	flowMinEig    = 1e-4
	flowReturn    = 0.5 // px a point may miss its start by, tracked there and back
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
	grid   gocv.Mat // the points followed, CV32FC2, one per row
	prevT  float64
	has    bool
	pairs  []pairMotion
	fw, fh int
}

func newCameraTracker() *cameraTracker { return &cameraTracker{} }

// push takes the next gray sample frame (w×h).
func (c *cameraTracker) push(t float64, pix []byte, w, h int) {
	if c.fw == 0 {
		c.fw = min(flowW, w)
		c.fh = max(2, h*c.fw/w)
		var xy []float32
		b := flowWin / 2
		for y := b; y < c.fh-b; y += flowStep {
			for x := b; x < c.fw-b; x += flowStep {
				xy = append(xy, float32(x), float32(y))
			}
		}
		c.grid = gocv.NewMatWithSize(len(xy)/2, 1, gocv.MatTypeCV32FC2)
		if data, err := c.grid.DataPtrFloat32(); err == nil {
			copy(data, xy)
		}
	}
	small := resizeGray(pix, w, h, c.fw, c.fh)
	cur, err := gocv.NewMatFromBytes(c.fh, c.fw, gocv.MatTypeCV8U, small)
	if err != nil {
		return
	}
	if c.has {
		if pm, ok := c.follow(cur); ok {
			pm.t0, pm.t1 = c.prevT, t
			c.pairs = append(c.pairs, pm)
		}
		c.prev.Close()
	}
	c.prev, c.prevT, c.has = cur, t, true
}

// follow tracks the grid's points from prev into cur and back again (a point that does
// not return where it started was not followed: a caption appearing, a
// surface without detail) and fits the motion to the points that held.
// A picture with too little to follow (a flat card) shows no motion.
func (c *cameraTracker) follow(cur gocv.Mat) (pairMotion, bool) {
	n := c.grid.Rows()
	if n < flowMinPoints {
		return pairMotion{}, true
	}
	next, status, back, bstatus, errs := gocv.NewMat(), gocv.NewMat(), gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	defer func() {
		for _, m := range []gocv.Mat{next, status, back, bstatus, errs} {
			m.Close()
		}
	}()
	crit := gocv.NewTermCriteria(gocv.Count+gocv.EPS, flowIters, 0.03)
	win := image.Pt(flowWin, flowWin)
	gocv.CalcOpticalFlowPyrLKWithParams(c.prev, cur, c.grid, next, &status, &errs, win, flowLevels, crit, 0, flowMinEig)
	gocv.CalcOpticalFlowPyrLKWithParams(cur, c.prev, next, back, &bstatus, &errs, win, flowLevels, crit, 0, flowMinEig)
	for _, m := range []gocv.Mat{next, status, back, bstatus} {
		if m.Rows()*m.Cols() != n {
			return pairMotion{}, false
		}
	}
	p0, err0 := c.grid.DataPtrFloat32()
	p1, err1 := next.DataPtrFloat32()
	pb, err2 := back.DataPtrFloat32()
	st, err3 := status.DataPtrUint8()
	bst, err4 := bstatus.DataPtrUint8()
	if err0 != nil || err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return pairMotion{}, false
	}
	cx, cy := float64(c.fw-1)/2, float64(c.fh-1)/2
	pts := make([]flowPt, 0, n)
	for i := 0; i < n; i++ {
		x, y := float64(p0[2*i]), float64(p0[2*i+1])
		if st[i] == 0 || bst[i] == 0 || math.Hypot(float64(pb[2*i])-x, float64(pb[2*i+1])-y) > flowReturn {
			continue
		}
		pts = append(pts, flowPt{x - cx, y - cy, float64(p1[2*i]) - x, float64(p1[2*i+1]) - y})
	}
	if len(pts) < flowMinPoints {
		return pairMotion{}, true
	}
	return fitMotion(pts, c.fw), true
}

func (c *cameraTracker) close() {
	if c.has {
		c.prev.Close()
		c.has = false
	}
	if c.fw != 0 {
		c.grid.Close()
		c.fw = 0
	}
}

// flowPt is one tracked point: its place from the frame centre and its
// flow, in pixels.
type flowPt struct{ dx, dy, u, v float64 }

// fitMotion fits shift + zoom + roll to the flow points, twice: the
// second pass leaves out the points the first fit explains worst (the
// moving subjects).
func fitMotion(pts []flowPt, w int) pairMotion {
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
	res := func(tx, ty, s, r float64, p flowPt) float64 {
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
	return pairMotion{tx: tx / fw, ty: ty / fw, zoom: s, residual: sum / float64(len(pts)) / fw}
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
		trace("camera shot %d %.1f–%.1f: %d pairs, pan %.3f/s (mean %.4f), zoom %.3f/s (sign %d), jitter %.4f", i+1, sh.Start, sh.End, len(ps), math.Hypot(vx, vy), math.Hypot(mx, my), vz, zSign, jitter)
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
