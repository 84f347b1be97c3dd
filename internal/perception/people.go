package perception

import (
	"context"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"gocv.io/x/gocv"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// DefaultCascadeDir is where Debian's opencv-data puts the cascades (the
// haarcascades and lbpcascades folders).
const DefaultCascadeDir = "/usr/share/opencv4"

// The frontal face is Haar's alt2 cascade (on our corpus it finds more of
// the real faces than LBP's and half as slow as Haar's default); profiles
// use the LBP cascade, about five times faster than Haar's profile cascade
// (they run on every frame without a frontal face, so their cost counts).
const (
	frontalCascade = "haarcascades/haarcascade_frontalface_alt2.xml"
	profileCascade = "lbpcascades/lbpcascade_profileface.xml"
)

func cvVersion() string { return gocv.OpenCVVersion() }

// detectors holds the loaded OpenCV detectors; one per goroutine.
type detectors struct {
	frontal, profile gocv.CascadeClassifier
	hasProfile       bool
	hog              gocv.HOGDescriptor
}

func loadDetectors(dir string) (*detectors, error) {
	if dir == "" {
		dir = DefaultCascadeDir
	}
	d := &detectors{frontal: gocv.NewCascadeClassifier(), profile: gocv.NewCascadeClassifier()}
	fp := filepath.Join(dir, frontalCascade)
	if _, err := os.Stat(fp); err != nil || !d.frontal.Load(fp) {
		d.frontal.Close()
		d.profile.Close()
		return nil, fmt.Errorf("opencv cascade %s not found (install opencv-data)", fp)
	}
	pp := filepath.Join(dir, profileCascade)
	if _, err := os.Stat(pp); err == nil && d.profile.Load(pp) {
		d.hasProfile = true
	}
	d.hog = gocv.NewHOGDescriptor()
	d.hog.SetSVMDetector(gocv.HOGDefaultPeopleDetector())
	return d, nil
}

func (d *detectors) close() {
	d.frontal.Close()
	d.profile.Close()
	d.hog.Close()
}

// framePeople is what one sampled frame shows.
type framePeople struct {
	persons []kmeme.PersonBox // one box per person: the face when seen, else the body
	faces   int
	frontal int
	largest float64 // the framing measure of the largest person (see framingOf)
	framing kmeme.Framing
}

// detect finds faces (frontal, then profile both ways) and bodies (HOG on
// a half-size frame) in one gray frame of w×h.
func (d *detectors) detect(pix []byte, w, h int) framePeople {
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8U, pix[:w*h])
	if err != nil {
		return framePeople{framing: kmeme.FramingNone}
	}
	defer m.Close()
	eq := gocv.NewMat()
	defer eq.Close()
	gocv.EqualizeHist(m, &eq)
	minFace := image.Pt(max(20, w/14), max(20, w/14))
	var faces []scored
	// a loose pass (3 neighbours) finds the small faces that a strict one
	// (6) drops — the second, smaller person in a frame where one face
	// is large — and each candidate must then pass the cascade again, strictly,
	// on its own neighbourhood at twice the size
	for _, r := range d.frontal.DetectMultiScaleWithParams(eq, faceScale, 3, 0, minFace, image.Pt(0, 0)) {
		if d.confirmFace(eq, r, w, h) {
			faces = append(faces, scored{r: r, kind: "face", frontal: true})
		}
	}
	if d.hasProfile {
		// profiles (turned left, then mirrored for turned right): the
		// people a frontal detector misses
		// profiles are searched from a larger size (the close and medium
		// shots where a turned head matters), which keeps them cheap
		minProfile := image.Pt(max(24, w/9), max(24, w/9))
		n := len(faces)
		for _, r := range d.profile.DetectMultiScaleWithParams(eq, faceScale, 5, 0, minProfile, image.Pt(0, 0)) {
			faces = append(faces, scored{r: r, kind: "face"})
		}
		if len(faces) == n {
			fl := gocv.NewMat()
			gocv.Flip(eq, &fl, 1)
			for _, r := range d.profile.DetectMultiScaleWithParams(fl, faceScale, 5, 0, minProfile, image.Pt(0, 0)) {
				faces = append(faces, scored{r: image.Rect(w-r.Max.X, r.Min.Y, w-r.Min.X, r.Max.Y), kind: "face"})
			}
			fl.Close()
		}
	}
	faces = suppress(faces)
	bigFace := 0
	for _, f := range faces {
		bigFace = max(bigFace, f.r.Dy())
	}
	if float64(bigFace) >= mediumFace*float64(h) {
		// a face this large frames the shot: no body search needed
		return d.people(faces, nil, w, h)
	}
	// bodies: HOG's 64×128 window finds people at least a third of the
	// frame tall — the full shots where faces are small
	var bodies []scored
	if w >= 64 && h >= 128 {
		for _, r := range d.hog.DetectMultiScaleWithParams(m, hogHit, image.Pt(8, 8), image.Pt(8, 8), 1.05, 2, false) {
			bodies = append(bodies, scored{r: r, kind: "body"})
		}
	}
	return d.people(faces, suppress(bodies), w, h)
}

// confirmFace runs the frontal cascade with 6 neighbours on the face's
// surroundings (half a face on each side) scaled ×2: a real face holds
// there, a loose hit on texture does not.
func (d *detectors) confirmFace(eq gocv.Mat, r image.Rectangle, w, h int) bool {
	p := r.Dx() / 2
	roi := image.Rect(r.Min.X-p, r.Min.Y-p, r.Max.X+p, r.Max.Y+p).Intersect(image.Rect(0, 0, w, h))
	if roi.Empty() {
		return false
	}
	sub := eq.Region(roi)
	defer sub.Close()
	up := gocv.NewMat()
	defer up.Close()
	gocv.Resize(sub, &up, image.Pt(2*roi.Dx(), 2*roi.Dy()), 0, 0, gocv.InterpolationLinear)
	return len(d.frontal.DetectMultiScaleWithParams(up, 1.1, 6, 0, image.Pt(r.Dx(), r.Dx()), image.Pt(0, 0))) > 0
}

// people merges faces and bodies into persons (a body holding a face is
// that face's person).
func (d *detectors) people(faces, bodies []scored, w, h int) framePeople {
	out := framePeople{faces: len(faces)}
	used := make([]bool, len(bodies))
	for _, f := range faces {
		if f.frontal {
			out.frontal++
		}
		for j, b := range bodies {
			c := image.Pt((f.r.Min.X+f.r.Max.X)/2, (f.r.Min.Y+f.r.Max.Y)/2)
			if c.In(b.r) {
				used[j] = true
			}
		}
		out.persons = append(out.persons, personBox(f, w, h))
	}
	for j, b := range bodies {
		if !used[j] {
			out.persons = append(out.persons, personBox(b, w, h))
		}
	}
	out.framing, out.largest = framingOf(out.persons)
	return out
}

// faceScale is the cascade's step between scales.
const faceScale = 1.2

// maxPeopleFrames is the most frames the people detectors look at in one
// file (at least one a shot).
const maxPeopleFrames = 24

// scaleGray resizes a gray frame into dst with OpenCV's area filter.
func scaleGray(src []byte, sw, sh int, dst []byte, dw, dh int) {
	m, err := gocv.NewMatFromBytes(sh, sw, gocv.MatTypeCV8U, src[:sw*sh])
	if err != nil {
		return
	}
	defer m.Close()
	out := gocv.NewMat()
	defer out.Close()
	gocv.Resize(m, &out, image.Pt(dw, dh), 0, 0, gocv.InterpolationArea)
	copy(dst, out.ToBytes())
}

// hogHit is the SVM margin a HOG window needs to count as a person.
const hogHit = 0.5

type scored struct {
	r       image.Rectangle
	kind    string
	frontal bool
}

// suppress drops boxes that mostly overlap a larger one.
func suppress(in []scored) []scored {
	sort.SliceStable(in, func(i, j int) bool { return area(in[i].r) > area(in[j].r) })
	var out []scored
	for _, a := range in {
		keep := true
		for k, b := range out {
			inter := area(a.r.Intersect(b.r))
			if float64(inter) > 0.4*float64(min(area(a.r), area(b.r))) {
				keep = false
				if a.frontal {
					out[k].frontal = true
				}
				break
			}
		}
		if keep {
			out = append(out, a)
		}
	}
	return out
}

func area(r image.Rectangle) int {
	if r.Empty() {
		return 0
	}
	return r.Dx() * r.Dy()
}

func personBox(s scored, w, h int) kmeme.PersonBox {
	fw, fh := float64(w), float64(h)
	return kmeme.PersonBox{Box: kmeme.Box{
		X: round3(float64(s.r.Min.X) / fw), Y: round3(float64(s.r.Min.Y) / fh),
		W: round3(float64(s.r.Dx()) / fw), H: round3(float64(s.r.Dy()) / fh),
	}, Kind: s.kind}
}

// Framing thresholds on the face box height as a share of the frame height
// (the alt2 face box is about 0.85 of a head): a close-up shows the head in
// about 2 head heights of frame, a bust shot about 3 (to the chest), a
// medium shot about 4 (to the waist), a full shot 6 or more (the knees or
// the whole body).
const (
	closeUpFace = 0.46
	bustFace    = 0.30
	mediumFace  = 0.17
)

// framingOf returns the framing of the largest person and its measure.
func framingOf(persons []kmeme.PersonBox) (kmeme.Framing, float64) {
	best, bestKind := 0.0, ""
	for _, p := range persons {
		h := p.H
		if p.Kind == "body" {
			// a standing body is about 7.5 heads; as a face-equivalent
			h = p.H / 7.5 * 0.85
		}
		if h > best {
			best, bestKind = h, p.Kind
		}
	}
	switch {
	case bestKind == "":
		return kmeme.FramingNone, 0
	case best >= closeUpFace:
		return kmeme.FramingCloseUp, best
	case best >= bustFace:
		return kmeme.FramingBust, best
	case best >= mediumFace:
		return kmeme.FramingMedium, best
	default:
		return kmeme.FramingFull, best
	}
}

// peopleWorkers is how many frames the people detectors look at at once
// at most: the OCR process and the detectors share the cores, and when the
// OCR is done first (otherDone) a second worker takes the frames left.
var peopleWorkers = min(2, runtime.NumCPU())

// detectorPool keeps loaded detectors between analyses (a worker process
// analyses many files; the cascades take tens of milliseconds to load).
var detectorPool = struct {
	sync.Mutex
	free map[string][]*detectors
}{free: map[string][]*detectors{}}

func getDetectors(dir string) (*detectors, error) {
	detectorPool.Lock()
	if l := detectorPool.free[dir]; len(l) > 0 {
		d := l[len(l)-1]
		detectorPool.free[dir] = l[:len(l)-1]
		detectorPool.Unlock()
		return d, nil
	}
	detectorPool.Unlock()
	return loadDetectors(dir)
}

func putDetectors(dir string, d *detectors) {
	detectorPool.Lock()
	defer detectorPool.Unlock()
	if len(detectorPool.free[dir]) >= peopleWorkers {
		d.close()
		return
	}
	detectorPool.free[dir] = append(detectorPool.free[dir], d)
}

// measurePeople samples each shot (start, middle, end and keyframe; nearby
// samples merged) and summarises what the detectors saw.
func (s *Session) measurePeople(ctx context.Context, shots []kmeme.Shot, otherDone <-chan struct{}) ([]kmeme.ShotPerception, map[string]string, []kmeme.NotMeasured) {
	out := make([]kmeme.ShotPerception, len(shots))
	for i := range shots {
		out[i] = kmeme.ShotPerception{Shot: i + 1, Framing: kmeme.FramingNone, Camera: kmeme.CameraStatic, SampledT: []float64{}}
	}
	d, err := getDetectors(s.opt.CascadeDir)
	if err != nil {
		return out, nil, []kmeme.NotMeasured{{What: "people", Reason: err.Error()}}
	}
	engines := map[string]string{
		"faces":  "opencv " + cvVersion() + " haarcascade_frontalface_alt2",
		"bodies": "opencv " + cvVersion() + " HOG people detector",
	}
	if d.hasProfile {
		engines["faces"] += " + lbpcascade_profileface"
	}
	// keyframe, middle, start and end of each shot while the file has few
	// shots; past that fewer a shot (the keyframe alone past 12 shots), so
	// the cost stays within the budget
	per := clampi(maxPeopleFrames/max(1, len(shots)), 1, 4)
	type job struct{ shot, sample int }
	var jobs []job
	idx := make([][]int, len(shots))
	for i, sh := range shots {
		idx[i] = s.sampleIndices(sh, per)
		for _, j := range idx[i] {
			jobs = append(jobs, job{i, j})
		}
	}
	seen := make([]framePeople, len(jobs))
	ok := make([]bool, len(jobs))
	next := make(chan int)
	work := func(d *detectors) {
		buf := make([]byte, s.sw*s.sh)
		small := make([]byte, s.pw*s.ph)
		for k := range next {
			if err := s.spool.read(jobs[k].sample, buf); err != nil {
				continue
			}
			scaleGray(buf, s.sw, s.sh, small, s.pw, s.ph)
			seen[k], ok[k] = d.detect(small, s.pw, s.ph), true
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		work(d)
	}()
	// a second worker once the OCR (the other core's work) is done, if
	// frames are still waiting
	dispatched := make(chan struct{})
	if peopleWorkers > 1 && len(jobs) > 1 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case <-dispatched:
				return
			case <-otherDone:
			}
			if d2, err := getDetectors(s.opt.CascadeDir); err == nil {
				work(d2)
				putDetectors(s.opt.CascadeDir, d2)
			}
		}()
	}
	for k := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- k
	}
	close(next)
	close(dispatched)
	wg.Wait()
	putDetectors(s.opt.CascadeDir, d)
	k := 0
	for i, sh := range shots {
		var got []framePeople
		key, keyT := -1, 0.0
		for _, j := range idx[i] {
			if ok[k] {
				got = append(got, seen[k])
				out[i].SampledT = append(out[i].SampledT, round3(s.times[j]))
				if key < 0 || math.Abs(s.times[j]-sh.KeyframeT) < math.Abs(keyT-sh.KeyframeT) {
					key, keyT = len(got)-1, s.times[j]
				}
			}
			k++
		}
		summarisePeople(&out[i], got, key)
	}
	return out, engines, nil
}

// summarisePeople turns the sampled frames of one shot into its counts.
func summarisePeople(sp *kmeme.ShotPerception, seen []framePeople, key int) {
	if len(seen) == 0 {
		return
	}
	counts := make([]int, len(seen))
	faces := make([]int, len(seen))
	frontal := 0
	for k, f := range seen {
		counts[k] = len(f.persons)
		faces[k] = f.faces
		if f.frontal > 0 {
			frontal++
		}
	}
	sp.People = agreed(counts)
	sp.Faces = agreed(faces)
	withPeople := 0
	for _, c := range counts {
		if c > 0 {
			withPeople++
		}
	}
	sp.FacingCamera = sp.People > 0 && frontal*2 > withPeople
	// the framing: the commonest among the samples that see the agreed
	// count, ties to the keyframe's
	best := key
	if len(seen[best].persons) != sp.People {
		best = -1
		for k, f := range seen {
			if len(f.persons) == sp.People && (best < 0 || f.largest > seen[best].largest) {
				best = k
			}
		}
	}
	if sp.People == 0 || best < 0 {
		sp.Framing = kmeme.FramingNone
		return
	}
	votes := map[kmeme.Framing]int{}
	for _, f := range seen {
		if len(f.persons) > 0 {
			votes[f.framing]++
		}
	}
	sp.Framing = seen[best].framing
	for fr, v := range votes {
		if v > votes[sp.Framing] {
			sp.Framing = fr
		}
	}
	sp.Boxes = seen[best].persons
}

// agreed is the largest count that at least two samples reach (one when
// only one frame was sampled): a detection in a single frame is not
// trusted.
func agreed(counts []int) int {
	need := min(2, len(counts))
	c := append([]int(nil), counts...)
	sort.Sort(sort.Reverse(sort.IntSlice(c)))
	return c[need-1]
}

// sampleIndices picks the spooled samples nearest the shot's start, middle,
// end and keyframe, inside the shot, without repeats.
func (s *Session) sampleIndices(sh kmeme.Shot, per int) []int {
	dur := sh.End - sh.Start
	margin := math.Min(0.15, dur/6)
	want := []float64{sh.KeyframeT, sh.Start + dur/2, sh.Start + margin, sh.End - margin}
	if per == 3 {
		want = []float64{sh.Start + margin, sh.KeyframeT, sh.End - margin}
	}
	if per < len(want) {
		want = want[:per]
	}
	seen := map[int]bool{}
	var out []int
	for _, t := range want {
		j := s.nearest(t, sh.Start, sh.End)
		if j >= 0 && !seen[j] {
			seen[j] = true
			out = append(out, j)
		}
	}
	sort.Ints(out)
	return out
}

// nearest returns the sample closest to t inside [lo, hi), or -1.
func (s *Session) nearest(t, lo, hi float64) int {
	best := -1
	for j, st := range s.times {
		if st < lo || st >= hi {
			continue
		}
		if best < 0 || math.Abs(st-t) < math.Abs(s.times[best]-t) {
			best = j
		}
	}
	if best < 0 { // a shot shorter than the sample spacing
		for j, st := range s.times {
			if best < 0 || math.Abs(st-t) < math.Abs(s.times[best]-t) {
				best = j
			}
		}
	}
	return best
}
