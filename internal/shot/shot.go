// Package shot finds shot transitions in a stream of small RGB frames:
// hard cuts from a motion-compensated block difference (so pans and zooms
// do not count), with a look-ahead that rejects camera flashes; gradual
// transitions (dissolves and wipes) by fitting the frames of a window as a
// blend of its two ends, and fades by their dip to black. Captions change
// too few blocks to count. It picks one sharp keyframe per shot. It
// imports nothing of ours and does no I/O.
package shot

import (
	"fmt"
	"math"
	"sort"
)

// Kind is the kind of a transition.
type Kind string

// Transition kinds.
const (
	Hard     Kind = "cut"
	Dissolve Kind = "dissolve"
	Fade     Kind = "fade"
	Wipe     Kind = "wipe"
)

// Cut is one transition. T is the time of the first frame of the new shot
// for a hard cut (T == Start == End); a gradual one has Start < T < End.
type Cut struct {
	T, Start, End float64
	Kind          Kind
	Confidence    float64
}

// Shot is the stretch between two transitions.
type Shot struct {
	Start, End float64
	KeyframeT  float64
	Motion     float64 // mean motion-compensated change per frame, [0,1]
	Brightness float64 // mean luma of the keyframe, [0,1]
}

// Options tune Detect. Zero fields take the documented defaults.
type Options struct {
	// CutThreshold is the motion-compensated difference (0..1) a hard cut
	// must exceed. Default 0.09.
	CutThreshold float64
	// ChangedFraction is the share of blocks that must change for a cut;
	// captions change fewer. Default 0.55.
	ChangedFraction float64
	// FlashWindowS is how far ahead a flash may return to the old picture.
	// Default 0.3 s.
	FlashWindowS float64
	// GradualWindowS is half the window fitted for gradual transitions.
	// Default 0.5 s.
	GradualWindowS float64
}

func (o Options) withDefaults() Options {
	if o.CutThreshold <= 0 {
		o.CutThreshold = 0.09
	}
	if o.ChangedFraction <= 0 {
		o.ChangedFraction = 0.55
	}
	if o.FlashWindowS <= 0 {
		o.FlashWindowS = 0.3
	}
	if o.GradualWindowS <= 0 {
		o.GradualWindowS = 0.5
	}
	return o
}

// Side is the thumbnail edge in pixels; frames are resampled to Side×Side
// luma before comparison.
const Side = 64

const (
	block  = 8
	blocks = (Side / block) * (Side / block)
	search = 2
)

// thumb is one frame reduced to what detection needs.
type thumb struct {
	luma [Side * Side]float32 // 0..1
	mean float32
	std  float32
	// berr is each block's error against the previous frame
	berr [blocks]float32
}

// series holds the per-frame scalars; a few bytes a frame, so memory stays
// flat where frames would not.
type series struct {
	luma, sharp, mce, cf []float32
}

// Detector consumes frames one at a time. Create it with NewDetector, Push
// every frame in order, then call Finish.
type Detector struct {
	opt  Options
	fps  float64
	ring []*thumb
	n    int // frames pushed
	s    series
	cuts []Cut
	grad []Cut
	// gradScore ranks overlapping gradual detections (see addGradual)
	gradScore []float64
	flash     int
	// look-ahead and window lengths in frames
	look, w int
	// liftedSeen holds lifted's last answers
	liftedSeen []liftedSpan
}

// NewDetector returns a detector for frames at fps.
func NewDetector(fps float64, opt Options) *Detector {
	opt = opt.withDefaults()
	if fps <= 0 || math.IsNaN(fps) {
		fps = 30
	}
	d := &Detector{opt: opt, fps: fps, liftedSeen: make([]liftedSpan, 0, 16)}
	d.look = max(2, int(math.Round(opt.FlashWindowS*fps)))
	d.w = max(3, int(math.Round(opt.GradualWindowS*fps)))
	// a gradual window [c-w, c+w] is judged 3w frames late, so lifted can
	// compare it with spans as long as it before and after it
	d.ring = make([]*thumb, 6*d.w+d.look+4)
	return d
}

func (d *Detector) at(i int) *thumb {
	if i < 0 || i >= d.n || d.n-i > len(d.ring) {
		return nil
	}
	return d.ring[i%len(d.ring)]
}

// Push adds the next frame: packed RGB24 (width*height*3 bytes) or 8-bit
// luma (width*height bytes).
func (d *Detector) Push(pix []byte, width, height int) {
	t := makeThumb(pix, width, height)
	i := d.n
	d.ring[i%len(d.ring)] = t
	d.n++
	d.s.luma = append(d.s.luma, t.mean)
	d.s.sharp = append(d.s.sharp, float32(sharpness(t)))
	if prev := d.at(i - 1); prev != nil {
		m, c := compareInto(prev, t, &t.berr)
		d.s.mce = append(d.s.mce, float32(m))
		d.s.cf = append(d.s.cf, float32(c))
	} else {
		d.s.mce = append(d.s.mce, 0)
		d.s.cf = append(d.s.cf, 0)
	}
	if j := i - d.look; j >= 1 {
		d.judgeHard(j)
	}
	if c := i - 3*d.w; c-d.w >= 0 {
		d.judgeGradual(c)
	}
}

// judgeHard decides whether frame j starts a new shot, once the frames
// after it are known.
func (d *Detector) judgeHard(j int) {
	m, cf := float64(d.s.mce[j]), float64(d.s.cf[j])
	if m < 0.008 {
		return
	}
	// it must stand out from its neighbours (fast motion raises them all);
	// each side is its own shot, so the calmer side is the reference: a
	// faint cut from a still picture into a slow pan stands out from the
	// still side only
	var pre, post []float64
	for k := j - d.look; k <= j+d.look; k++ {
		if k != j && k >= 1 && k < d.n {
			if k < j {
				pre = append(pre, float64(d.s.mce[k]))
			} else {
				post = append(post, float64(d.s.mce[k]))
			}
		}
	}
	if len(pre)+len(post) > 0 {
		ref := math.Min(q75(pre), q75(post))
		strong := m >= d.opt.CutThreshold && cf >= d.opt.ChangedFraction && m >= 2*ref
		// a small change must also outgrow the largest on the calmer side:
		// a pan whose picture moves every third or fourth frame (held
		// frames between) makes small steps the quartile does not see
		// (a side cut short by the start or end of the video is no
		// reference: three still frames before a pan's second step)
		steps := math.Min(d.sideMax(pre), d.sideMax(post))
		small := math.IsInf(steps, 1) || m >= 1.5*steps
		// low-contrast pictures change less in absolute terms; then the
		// change must tower over its neighbours
		weak := small && m >= 5*ref+0.01 && cf >= 0.3
		// a re-crop of a smooth or repetitive picture changes every block a
		// little; a caption changes a few blocks a lot
		subtle := small && m >= 4*ref+0.012 && d.blockJump(j) >= 0.5 && d.medianBlock(j) >= 0.5*m
		faint := m >= 0.012 && m >= 2.5*steps && m >= 3*ref && d.blockRise(j) >= 0.6 && d.medianBlock(j) >= 0.5*m
		if !strong && !weak && !subtle && !faint {
			return
		}
	}
	// a cut is one frame: a ramp of large changes is a fade or fast motion
	if m < 1.8*float64(max(d.s.mce[j-1], d.at1(j+1))) {
		return
	}
	before := d.at(j - 1)
	if before == nil {
		return
	}
	// a flash: the old picture comes back within the look-ahead
	for k := j + 1; k <= j+d.look && k < d.n; k++ {
		if f := d.at(k); f != nil {
			if mm, _ := compare(before, f); mm < 0.35*m {
				d.flash++
				return
			}
		}
	}
	// the end of a flash: the new frame matches one from before the flash
	if after := d.at(j); after != nil {
		for k := j - 2; k >= j-d.look && k >= 0; k-- {
			if f := d.at(k); f != nil {
				if mm, _ := compare(f, after); mm < 0.35*m {
					d.flash++
					return
				}
			}
		}
	}
	t := float64(j) / d.fps
	d.cuts = append(d.cuts, Cut{T: t, Start: t, End: t, Kind: Hard, Confidence: clamp01(m / (3 * d.opt.CutThreshold))})
}

// q75 is the upper quartile of v (+Inf when empty); v is reordered.
func q75(v []float64) float64 {
	if len(v) == 0 {
		return math.Inf(1)
	}
	sort.Float64s(v)
	return v[len(v)*3/4]
}

// sideMax is the largest of v, the changes on one side of a candidate
// cut; +Inf when the side holds under half the look-ahead.
func (d *Detector) sideMax(v []float64) float64 {
	if len(v) == 0 || 2*len(v) < d.look {
		return math.Inf(1)
	}
	m := v[0]
	for _, x := range v[1:] {
		m = math.Max(m, x)
	}
	return m
}

// blockJump is the share of blocks whose error at frame j is well above
// their error in the frames on either side.
func (d *Detector) blockJump(j int) float64 { return d.blocksOver(j, 3, 0.006) }

// blockRise is the share of blocks whose error at frame j is at least
// twice their error in the frames on either side: a cut between two
// crops of a smooth picture raises nearly all a little, a caption its own
// blocks only.
func (d *Detector) blockRise(j int) float64 { return d.blocksOver(j, 2, 0.001) }

// blocksOver is the share of blocks whose error at frame j is over
// factor times the larger of their errors at j-1 and j+1, plus margin.
func (d *Detector) blocksOver(j int, factor, margin float32) float64 {
	cur, prev, next := d.at(j), d.at(j-1), d.at(j+1)
	if cur == nil || prev == nil {
		return 0
	}
	n := 0
	for b := range blocks {
		ref := prev.berr[b]
		if next != nil {
			ref = max(ref, next.berr[b])
		}
		if cur.berr[b] > factor*ref+margin {
			n++
		}
	}
	return float64(n) / blocks
}

// medianBlock is the median of frame j's block errors: a cut changes the
// whole picture, so its median block changed about as much as the mean
// one; a caption or a moving object leaves most blocks alike.
func (d *Detector) medianBlock(j int) float64 {
	cur := d.at(j)
	if cur == nil {
		return 0
	}
	e := cur.berr
	v := e[:]
	sort.Slice(v, func(a, b int) bool { return v[a] < v[b] })
	return float64(v[blocks/2])
}

// trace, when set by a test, receives gradual-transition diagnostics.
var trace func(format string, args ...any)

// at1 returns the motion score of frame k, or 0 past the end.
func (d *Detector) at1(k int) float32 {
	if k < len(d.s.mce) {
		return d.s.mce[k]
	}
	return 0
}

// judgeGradual tests the window [c-w, c+w] for a transition centred near
// c, and when that finds none the window of half its length: the ends of
// a long window in moving shots have moved too far for the frames between
// to be a blend of them (a 0.3 s dissolve between two pans), while a
// short window sees a slice of a long transition, itself a blend.
func (d *Detector) judgeGradual(c int) {
	found := d.judgeWindow(c, d.w)
	if !found {
		found = d.judgeWindow(c, max(3, d.w/2))
	}
	if !found {
		d.judgeSharpDip(c)
	}
}

// judgeSharpDip tests whether frame c is the bottom of a dip in sharpness
// between two different pictures: a dissolve's middle frames hold both
// pictures at part contrast, so their Laplacian variance falls to about
// half of its ends' (for ends alike in sharpness). The dip stays when
// both shots move, which the blend fit cannot follow, and when the two
// pictures are faint, whose difference the window gate refuses.
func (d *Detector) judgeSharpDip(c int) bool {
	n := len(d.s.sharp)
	// the curve smoothed over a twentieth of a second or more each side
	r := max(1, int(d.fps/20))
	sm := func(k int) float64 {
		var s float64
		lo, hi := max(0, k-r), min(n-1, k+r)
		for i := lo; i <= hi; i++ {
			s += float64(d.s.sharp[i])
		}
		return s / float64(hi-lo+1)
	}
	if c < 2 || c+2 >= n {
		return false
	}
	v := sm(c)
	for k := max(0, c-r-1); k <= min(n-1, c+r+1); k++ {
		if sm(k) < v {
			return false
		}
	}
	// the shoulders: walk out while the curve keeps rising (a frame of
	// noise allowed), at most two windows either side
	a, b := c, c
	for a > c-2*d.w && a > 1 {
		if sm(a-1) > sm(a)*1.002 {
			a--
		} else if sm(a-2) > sm(a)*1.01 {
			a -= 2
		} else {
			break
		}
	}
	for b < c+2*d.w && b+2 < n {
		if sm(b+1) > sm(b)*1.002 {
			b++
		} else if sm(b+2) > sm(b)*1.01 {
			b += 2
		} else {
			break
		}
	}
	reject := func(why string) bool {
		if trace != nil {
			trace("c=%d sharp dip [%d %d] %.4f of %.4f %.4f: %s", c, a, b, v, sm(a), sm(b), why)
		}
		return false
	}
	lo := math.Min(sm(a), sm(b))
	if b-a < 4 || v > 0.7*lo {
		return false
	}
	for k := a + 1; k <= b; k++ {
		if d.s.mce[k] >= float32(d.opt.CutThreshold) && d.s.cf[k] >= float32(d.opt.ChangedFraction) {
			return reject("a hard cut inside")
		}
	}
	// (a dip through black or white is a fade: Finish lets the fade win)
	// a flash dims the picture's contrast too, but its luma jumps: a
	// dissolve's luma goes from one end's to the other's without bumps
	for k := a + 1; k < b; k++ {
		f := float64(k-a) / float64(b-a)
		if line := (1-f)*float64(d.s.luma[a]) + f*float64(d.s.luma[b]); math.Abs(float64(d.s.luma[k])-line) > 0.04 {
			return reject("luma bump")
		}
	}
	// motion blur dims it as well, in a burst of motion: the frames of a
	// dissolve change no more than the shots around it do
	inside, beside := 0.0, 0.0
	for k := a + 1; k <= b; k++ {
		inside += float64(d.s.mce[k])
	}
	inside /= float64(b - a)
	nb := 0
	for k := max(1, 2*a-b); k < min(len(d.s.mce), 2*b-a+1); k++ {
		if k <= a || k > b {
			beside += float64(d.s.mce[k])
			nb++
		}
	}
	if nb > 0 {
		beside /= float64(nb)
	}
	A, B := d.at(a), d.at(b)
	if A == nil || B == nil {
		return false
	}
	// two pictures, not one blurred and sharp again
	across, _ := compare(A, B)
	if across < 0.01 {
		return reject(fmt.Sprintf("one picture (%.3f)", across))
	}
	if inside > 2*beside+0.01 {
		return reject(fmt.Sprintf("motion %.3f, %.3f beside", inside, beside))
	}
	if trace != nil {
		trace("c=%d add sharp dip [%d %d] %.4f of %.4f across %.3f", c, a, b, v, lo, across)
	}
	start, end := float64(a)/d.fps, float64(b)/d.fps
	d.addGradual(Cut{T: float64(c) / d.fps, Start: start, End: end, Kind: Dissolve, Confidence: clamp01(1 - v/lo)}, across)
	return true
}

// judgeWindow tests the window [c-hw, c+hw] and reports whether it found a
// transition.
func (d *Detector) judgeWindow(c, hw int) bool {
	a, b := c-hw, c+hw
	A, B := d.at(a), d.at(b)
	if A == nil || B == nil {
		return false
	}
	// skip windows holding a hard cut: the hard detector owns them
	for k := a + 1; k <= b; k++ {
		if d.s.mce[k] >= float32(d.opt.CutThreshold) && d.s.cf[k] >= float32(d.opt.ChangedFraction) {
			return false
		}
	}
	// black and white frames belong to fades, found over the whole curve
	// in Finish
	for k := a; k <= b; k++ {
		if d.s.luma[k] <= darkLuma || d.s.luma[k] >= 1-darkLuma {
			return false
		}
	}
	if rd := rawDiff(A, B); rd < 0.4*d.opt.CutThreshold {
		if trace != nil {
			trace("c=%d t=%.3f rawdiff %.3f", c, float64(c)/d.fps, rd)
		}
		return false // the ends are alike: no transition between them
	}
	if !endsDiffer(A, B, 0.4*d.opt.CutThreshold, 0.3) {
		if trace != nil {
			m, cf := compare(A, B)
			trace("c=%d t=%.3f m %.3f cf %.3f", c, float64(c)/d.fps, m, cf)
		}
		return false
	}
	fit := fitBlend(d, a, b)
	if trace != nil {
		trace("c=%d t=%.3f fit=%+v", c, float64(c)/d.fps, fit)
	}
	if !fit.ok {
		return false
	}
	kind := Dissolve
	if fit.spread > 0.25 {
		kind = Wipe
	}
	if kind == Wipe && fit.reversals > 0.03 {
		if trace != nil {
			trace("c=%d reject wipe reversals", c)
		}
		return false
	}
	lifted, across := d.lifted(fit.start, fit.end)
	if !lifted {
		if trace != nil {
			trace("c=%d reject not lifted", c)
		}
		return false
	}
	start := float64(fit.start) / d.fps
	end := float64(fit.end) / d.fps
	t := fit.mid / d.fps
	if !(start < t && t < end) {
		if trace != nil {
			trace("c=%d reject mid outside", c)
		}
		return false
	}
	if trace != nil {
		trace("c=%d add %s %.3f [%.3f %.3f]", c, kind, t, start, end)
	}
	d.addGradual(Cut{T: t, Start: start, End: end, Kind: kind, Confidence: clamp01(1 - fit.resid)}, across*(1-fit.resid))
	return true
}

// darkLuma is the mean luma under which a frame counts as black.
const darkLuma = 0.07

// lifted reports whether the pictures at start and end differ more than
// the shot's own change over a span as long before and after: a dissolve
// or wipe brings a new picture, a slow zoom, pan or wave changes as much
// in any span of that length. (Per-frame change would not do: a 1.5 s
// dissolve at 60 fps changes each frame less than compression noise does.)
func (d *Detector) lifted(start, end int) (ok bool, across float64) {
	A, B := d.at(start), d.at(end)
	if A == nil || B == nil {
		return false, 0
	}
	L := end - start
	// a transition needs a shot on each side of it, and the span beside
	// it must be long enough to show that shot's own change: half of L at
	// least (a pan that starts with the video and stops a second later is
	// no dissolve, but the one frame before it showed no motion, and a
	// pixel's move is no change under the motion search); a span cut
	// short by the video's start or end is scaled up to L frames
	before, after := min(L, start), min(L, d.n-1-end)
	if before == 0 || after == 0 || 2*before < L || 2*after < L {
		return false, 0
	}
	// sliding windows ask about the same span again and again
	key := [3]int{start, end, after}
	for _, l := range d.liftedSeen {
		if l.key == key {
			return l.ok, l.across
		}
	}
	P, N := d.at(start-before), d.at(end+after)
	if P == nil || N == nil {
		return false, 0
	}
	mp, _ := compare(P, A)
	mn, _ := compare(B, N)
	own := math.Max(mp*float64(L)/float64(before), mn*float64(L)/float64(after))
	across, _ = compare(A, B)
	if trace != nil {
		trace("lifted [%d %d] across %.3f own %.3f", start, end, across, own)
	}
	ok = across >= 1.6*own+0.01
	if len(d.liftedSeen) == cap(d.liftedSeen) {
		copy(d.liftedSeen, d.liftedSeen[1:])
		d.liftedSeen = d.liftedSeen[:len(d.liftedSeen)-1]
	}
	d.liftedSeen = append(d.liftedSeen, liftedSpan{key, ok, across})
	return ok, across
}

// liftedSpan is one answer of lifted, kept for the windows after.
type liftedSpan struct {
	key    [3]int // start, end and the span after
	ok     bool
	across float64
}

// fades finds dips to black and to white: a run of dark (or white) frames
// with the picture darkening (brightening) before it and coming back after
// it. A flash is white too, but it switches on and off: a dip to white must
// ramp over at least two frames on each side.
func (d *Detector) fades() []Cut {
	out := d.dips(d.s.luma, 0)
	// a dip to white is a dip to black of the inverted luma
	inv := make([]float32, len(d.s.luma))
	for i, v := range d.s.luma {
		inv[i] = 1 - v
	}
	out = append(out, d.dips(inv, 2)...)
	sort.Slice(out, func(i, j int) bool { return out[i].T < out[j].T })
	return out
}

// dips finds the dips to black in the luma curve l whose ramps on both
// sides are at least minRamp frames long.
func (d *Detector) dips(l []float32, minRamp int) []Cut {
	var out []Cut
	n := len(l)
	maxRamp := int(2 * d.fps)
	for i := 0; i < n; i++ {
		if l[i] > darkLuma {
			continue
		}
		s, e := i, i
		for e+1 < n && l[e+1] <= darkLuma {
			e++
		}
		i = e
		if float64(e-s+1)/d.fps > 2 { // a dark scene, not a fade
			continue
		}
		runS, runE := s, e
		for s > 0 && e-s < maxRamp*2 && l[s-1] > l[s]+0.002 {
			s--
		}
		for e+1 < n && e-i < maxRamp && l[e+1] > l[e]+0.002 {
			e++
		}
		if s == 0 || e == n-1 { // fade in from the start or out at the end: no transition
			continue
		}
		if l[s] < 2*darkLuma || l[e] < 2*darkLuma || e-s < 3 || runS-s < minRamp || e-runE < minRamp {
			continue
		}
		// the darkest frame is the middle of the transition
		best := s
		for j := s; j <= e; j++ {
			if l[j] < l[best] {
				best = j
			}
		}
		out = append(out, Cut{T: float64(best) / d.fps, Start: float64(s) / d.fps, End: float64(e) / d.fps, Kind: Fade, Confidence: 0.9})
	}
	return out
}

// addGradual keeps one detection per transition. Windows slide one frame
// at a time, so one transition is seen by many, and any part of a dissolve
// is itself a perfect blend: of the overlapping detections the one whose
// ends differ most (the whole transition, not a slice of it), weighed by
// its fit, stands for them all.
func (d *Detector) addGradual(c Cut, score float64) {
	if n := len(d.grad); n > 0 {
		last := &d.grad[n-1]
		// anything starting before the last one ended (plus half a
		// window) is the same transition
		if c.Start <= last.End+0.5*float64(d.w)/d.fps {
			if score > d.gradScore[n-1] {
				*last = c
				d.gradScore[n-1] = score
			}
			return
		}
	}
	d.grad = append(d.grad, c)
	d.gradScore = append(d.gradScore, score)
}

// Finish returns the transitions and shots of everything pushed.
// duration is the length of the video in seconds (0: from the frames).
func (d *Detector) Finish(duration float64) ([]Cut, []Shot) {
	// judge the frames still waiting for look-ahead
	for j := max(1, d.n-d.look); j < d.n; j++ {
		d.judgeHard(j)
	}
	// and the gradual windows still waiting for the frames after them
	for c := max(d.w, d.n-3*d.w); c+d.w < d.n; c++ {
		d.judgeGradual(c)
	}
	if duration <= 0 {
		duration = float64(d.n) / d.fps
	}
	fades := d.fades()
	var cuts []Cut
	for _, h := range d.cuts {
		inFade := false
		for _, f := range fades {
			if h.T >= f.Start-2/d.fps && h.T <= f.End+2/d.fps {
				inFade = true
				break
			}
		}
		if !inFade {
			cuts = append(cuts, h)
		}
	}
	hard := cuts
	cuts = append(cuts, fades...)
	for _, g := range d.grad {
		for _, f := range fades {
			if g.Start <= f.End && g.End >= f.Start {
				g.Kind = "" // overlaps a fade: the fade wins
			}
		}
		if g.Kind == "" {
			continue
		}
		overlap := false
		for _, h := range hard {
			if h.T >= g.Start-2/d.fps && h.T <= g.End+2/d.fps {
				overlap = true
				break
			}
		}
		if !overlap {
			cuts = append(cuts, g)
		} else if trace != nil {
			trace("drop %+v: overlaps a hard cut", g)
		}
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].T < cuts[j].T })
	return cuts, d.shots(cuts, duration)
}

// Flashes is how many flash-like spikes were rejected.
func (d *Detector) Flashes() int { return d.flash }

// shots builds the shots between transitions with their keyframes.
func (d *Detector) shots(cuts []Cut, duration float64) []Shot {
	var out []Shot
	start, startF := 0.0, 0
	emit := func(end float64, endF int) {
		if endF <= startF {
			endF = startF + 1
		}
		sh := Shot{Start: start, End: end}
		// the keyframe: the sharpest, stillest frame of the shot's middle
		lo := startF + (endF-startF)/8
		hi := endF - (endF-startF)/8
		best, bestScore := -1, math.Inf(-1)
		var motion float64
		cnt := 0
		for k := max(0, lo); k < min(hi, d.n); k++ {
			score := float64(d.s.sharp[k]) * (1 - 4*float64(d.s.mce[k]))
			center := float64(k-startF)/float64(endF-startF) - 0.5
			score *= 1 - 0.5*center*center
			if score > bestScore {
				best, bestScore = k, score
			}
			motion += float64(d.s.mce[k])
			cnt++
		}
		if best < 0 {
			best = min(max(0, (startF+endF)/2), max(0, d.n-1))
		}
		sh.KeyframeT = float64(best) / d.fps
		if cnt > 0 {
			sh.Motion = clamp01(motion / float64(cnt) * 4)
		}
		if best < len(d.s.luma) {
			sh.Brightness = float64(d.s.luma[best])
		}
		out = append(out, sh)
	}
	for _, c := range cuts {
		emit(c.Start, int(math.Round(c.Start*d.fps)))
		start, startF = c.End, int(math.Round(c.End*d.fps))
	}
	emit(duration, max(int(math.Round(duration*d.fps)), startF+1))
	return out
}

// Motion returns the per-frame motion-compensated change in [0,1].
func (d *Detector) Motion() []float32 { return d.s.mce }

func clamp01(x float64) float64 {
	if x < 0 || x != x {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}
