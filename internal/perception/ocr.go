package perception

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
)

// sameCrop reports whether two crops show the same picture: equal size
// and polarity, pixels a few levels apart on average (a re-encoded frame
// of the same still).
func sameCrop(a, b crop) bool {
	if a.w != b.w || a.h != b.h || a.darkInk != b.darkInk || len(a.pix) != len(b.pix) || len(a.pix) == 0 {
		return false
	}
	d := 0
	for i := range a.pix {
		x := int(a.pix[i]) - int(b.pix[i])
		if x < 0 {
			x = -x
		}
		d += x
	}
	return d <= 6*len(a.pix)
}

// tesseract runs the Tesseract CLI under media's hardening (time, memory
// and CPU caps; it reads local files only). One process reads every crop
// of a file: the language models load once.
type tesseract struct {
	bin   string
	dir   string
	lim   media.Limits
	langs []string
	runs  int    // runs so far (names their list files)
	nice  string // the nice program, "" when there is none
}

// findTesseract locates the program and the kor/eng language packs; the
// notes say what is missing.
func findTesseract(ctx context.Context, opt Options) (*tesseract, []kmeme.NotMeasured, error) {
	bin := opt.Tesseract
	if bin == "" {
		bin = "tesseract"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, nil, fmt.Errorf("tesseract not installed (%s not found)", bin)
	}
	t := &tesseract{bin: path, dir: opt.TessdataDir, lim: opt.Limits}
	if p, err := exec.LookPath("nice"); err == nil {
		t.nice = p
	}
	args := []string{"--list-langs"}
	if t.dir != "" {
		args = append([]string{"--tessdata-dir", t.dir}, args...)
	}
	out, err := media.RunTool(ctx, t.lim, 15*time.Second, 1<<16, t.env(), t.bin, args...)
	if err != nil && len(out) == 0 {
		return nil, nil, fmt.Errorf("tesseract does not run: %s", oneLine(err.Error()))
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	var notes []kmeme.NotMeasured
	for _, l := range []string{"kor", "eng"} {
		if have[l] {
			t.langs = append(t.langs, l)
		} else {
			what := map[string]string{"kor": "Korean", "eng": "English"}[l]
			notes = append(notes, kmeme.NotMeasured{What: "text", Reason: fmt.Sprintf("tesseract language %s not installed: %s text is not read", l, what)})
		}
	}
	if len(t.langs) == 0 {
		return nil, notes, errors.New("tesseract has neither kor nor eng installed")
	}
	return t, notes, nil
}

func (t *tesseract) env() []string {
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	return env
}

func (t *tesseract) engine() string {
	return "tesseract " + strings.Join(t.langs, "+") + " (LSTM) on kmeme text regions"
}

// read OCRs the images (PNG paths, one text line each: page segmentation
// mode 7) in one run under the languages langs ("kor+eng", "kor") and
// returns one result each. A low run (the reads beside the video decode)
// runs at the lowest CPU priority, on what the decode leaves idle.
func (t *tesseract) read(ctx context.Context, dir string, images []string, langs string, low bool) ([]ocrResult, error) {
	list := filepath.Join(dir, fmt.Sprintf("list%d.txt", t.runs))
	t.runs++
	if err := os.WriteFile(list, []byte(strings.Join(images, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	args := []string{}
	if t.dir != "" {
		args = append(args, "--tessdata-dir", t.dir)
	}
	args = append(args, list, "stdout", "-l", langs, "--psm", "7", "--oem", "1", "tsv")
	timeout := time.Duration(10+2*len(images)) * time.Second
	bin := t.bin
	if low && t.nice != "" {
		bin, args = t.nice, append([]string{"-n", "19", t.bin}, args...)
	}
	out, err := media.RunTool(ctx, t.lim, timeout, 8<<20, t.env(), bin, args...)
	if err != nil {
		return nil, fmt.Errorf("tesseract: %s", oneLine(err.Error()))
	}
	res := parseTSV(out, len(images))
	for i := range res {
		res[i].path = images[i]
	}
	return res, nil
}

// has reports whether the language pack l was found.
func (t *tesseract) has(l string) bool {
	for _, x := range t.langs {
		if x == l {
			return true
		}
	}
	return false
}

// retryBelow is the confidence under which a region is read again under
// other polarities and thresholds.
const retryBelow = 0.85

// defaultThreshold is the ink threshold of a crop's polarity: dark ink is
// under it, bright ink at or over it.
func defaultThreshold(c crop) int {
	if c.darkInk {
		return 128
	}
	return 190
}

type variant struct {
	c    crop
	thr  int
	open bool // clear wide ink areas first (see removeWide)
}

// retryVariants are the other readings of a crop: dark ink read as bright
// (outlined white over a bright picture), bright ink at a threshold just
// under its brightest pixels (white ink on a bright picture, where the
// picture passes 190 too), and bright ink with the wide bright areas
// cleared (plain white letters touching a white shirt).
func retryVariants(c crop) []variant {
	bright := c
	bright.darkInk = false
	var out []variant
	if c.darkInk {
		out = append(out, variant{c: bright, thr: 190})
	} else {
		// plain white letters touching a bright area of the picture
		out = append(out, variant{c: c, thr: 190, open: true})
	}
	hist := [256]int{}
	for _, v := range c.pix {
		hist[v]++
	}
	// the 97th percentile: the ink's own level when it is a few per cent
	// of the crop
	n, p97 := 0, 255
	for v := 255; v >= 0; v-- {
		n += hist[v]
		if n*100 >= 3*len(c.pix) {
			p97 = v
			break
		}
	}
	if thr := clampi(p97-22, 150, 245); thr > 200 {
		out = append(out, variant{c: bright, thr: thr})
	}
	return out
}

// binarizeAt makes the crop black ink on white at ink threshold thr,
// upscaled so glyphs are about 40–60 px tall, and removes ink that touches
// the border (the picture around a caption, not its letters).
func binarizeAt(c crop, thr int, open bool) *image.Gray {
	scale := upscale(c)
	W, H := c.w*scale, c.h*scale
	up := make([]byte, W*H)
	for y := 0; y < H; y++ {
		sy := (float64(y)+0.5)/float64(scale) - 0.5
		y0 := int(math.Floor(sy))
		fy := sy - float64(y0)
		y0c, y1c := clampi(y0, 0, c.h-1), clampi(y0+1, 0, c.h-1)
		for x := 0; x < W; x++ {
			sx := (float64(x)+0.5)/float64(scale) - 0.5
			x0 := int(math.Floor(sx))
			fx := sx - float64(x0)
			x0c, x1c := clampi(x0, 0, c.w-1), clampi(x0+1, 0, c.w-1)
			a := float64(c.pix[y0c*c.w+x0c])*(1-fx) + float64(c.pix[y0c*c.w+x1c])*fx
			b := float64(c.pix[y1c*c.w+x0c])*(1-fx) + float64(c.pix[y1c*c.w+x1c])*fx
			up[y*W+x] = byte(a*(1-fy) + b*fy + 0.5)
		}
	}
	inkAt := make([]bool, W*H)
	for i, v := range up {
		if c.darkInk {
			inkAt[i] = int(v) < thr
		} else {
			inkAt[i] = int(v) >= thr
		}
	}
	// ink areas no letter stroke could fill (a white shirt behind plain
	// white letters) are picture: without them the letters touching such
	// an area no longer go with it when the border is flooded
	if side := max(5, c.lineH*scale*35/100); open && side < min(W, H) {
		removeWide(inkAt, W, H, side)
	}
	// flood the ink that touches the border away
	floodBorder(inkAt, W, H)
	const margin = 12
	img := image.NewGray(image.Rect(0, 0, W+2*margin, H+2*margin))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := 0; y < H; y++ {
		for x := 0; x < W; x++ {
			if inkAt[y*W+x] {
				img.Pix[(y+margin)*img.Stride+x+margin] = 0
			}
		}
	}
	return img
}

// upscale is binarizeAt's scale for a crop.
func upscale(c crop) int {
	if c.h < 28 {
		return 3
	}
	return 2
}

// hasGlyphs is the cheap test before tesseract: a binarized line image
// (black ink on white) holds at least two ink components a letter or a
// Hangul part could be — a third of the line height (lineH, image pixels)
// tall or wide, at most twice its height tall. Specks, one blob and an
// empty image do not pass.
func hasGlyphs(img *image.Gray, lineH int) bool {
	W, H := img.Rect.Dx(), img.Rect.Dy()
	seen := make([]bool, W*H)
	stack := []int{}
	n := 0
	for start := range seen {
		if seen[start] || img.Pix[start] != 0 {
			continue
		}
		seen[start] = true
		stack = append(stack[:0], start)
		x0, y0, x1, y1 := W, H, -1, -1
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%W, i/W
			x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
			for _, j := range [4]int{i - 1, i + 1, i - W, i + W} {
				if j < 0 || j >= len(seen) || (j == i-1 && x == 0) || (j == i+1 && x == W-1) {
					continue
				}
				if !seen[j] && img.Pix[j] == 0 {
					seen[j] = true
					stack = append(stack, j)
				}
			}
		}
		cw, ch := x1-x0+1, y1-y0+1
		if (3*ch >= lineH || 3*cw >= lineH) && ch <= 2*lineH {
			if n++; n >= 2 {
				return true
			}
		}
	}
	return false
}

// removeWide clears the ink that lies under a side×side square of ink
// (a morphological opening, subtracted): letter strokes are thinner than
// side, so only areas of picture go.
func removeWide(ink []bool, w, h, side int) {
	r := side / 2
	side = 2*r + 1
	// erosion then dilation, each separable with running counts
	pass := func(src []bool, horizontal, all bool) []bool {
		dst := make([]bool, len(src))
		n, m := w, h // along, across
		if !horizontal {
			n, m = h, w
		}
		at := func(line, i int) int {
			if horizontal {
				return line*w + i
			}
			return i*w + line
		}
		for line := 0; line < m; line++ {
			cnt := 0
			for i := -r; i < n+r; i++ {
				if j := i + r; j < n && src[at(line, j)] {
					cnt++
				}
				if j := i - r - 1; j >= 0 && src[at(line, j)] {
					cnt--
				}
				if i >= 0 && i < n {
					if all {
						dst[at(line, i)] = cnt == side
					} else {
						dst[at(line, i)] = cnt > 0
					}
				}
			}
		}
		return dst
	}
	core := pass(pass(ink, true, true), false, true)
	wide := pass(pass(core, true, false), false, false)
	for i, v := range wide {
		if v {
			ink[i] = false
		}
	}
}

func clampi(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// ocrReader reads regions with one tesseract into one directory of crops.
// A region's reading depends on its own crop alone (each pass decides on
// the region's own earlier readings), so regions may be read in batches of
// any make-up: the finished tracks while the video still decodes, the rest
// at Finish.
type ocrReader struct {
	ts      *tesseract
	notes   []kmeme.NotMeasured // findTesseract's (a language pack missing)
	dir     string
	keep    bool // KMEME_PERCEPTION_CROPS: the crops stay
	images  int  // images written (names them)
	low     bool // tesseract at the lowest CPU priority (see tesseract.read)
	skipped int  // images without glyphs, not read
}

// makeDir makes the crop directory.
func (r *ocrReader) makeDir(opt Options) error {
	// KMEME_PERCEPTION_CROPS keeps the crops read (a look at what OCR saw)
	keep := os.Getenv("KMEME_PERCEPTION_CROPS")
	base := opt.TempDir
	if keep != "" {
		base = keep
	}
	dir, err := os.MkdirTemp(base, "kmeme-ocr-*")
	if err != nil {
		return fmt.Errorf("ocr temp dir: %w", err)
	}
	r.dir, r.keep = dir, keep != ""
	return nil
}

// remove deletes the crops unless they are kept.
func (r *ocrReader) remove() {
	if r != nil && !r.keep && r.dir != "" {
		_ = os.RemoveAll(r.dir)
		r.dir = ""
	}
}

// write binarizes a crop into a PNG for tesseract; "" when the image has
// no glyphs. An image whose ink is all gone with the border (the picture
// around a texture) or is a few specks is not worth a tesseract read: it
// reads as nothing, or as noise.
func (r *ocrReader) write(c crop, thr int, open bool) (string, error) {
	img := binarizeAt(c, thr, open)
	if !hasGlyphs(img, c.lineH*upscale(c)) {
		r.skipped++
		return "", nil
	}
	p := filepath.Join(r.dir, fmt.Sprintf("r%d.png", r.images))
	r.images++
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("ocr crop: %w", err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		return "", fmt.Errorf("ocr crop: %w", err)
	}
	return p, nil
}

// dedupe maps each region that looks as an earlier one did (the same
// caption over a cut, a logo in a shot seen again) to that one, whose
// reading it takes; -1 for a region read itself.
func dedupe(pick []*track) []int {
	same := make([]int, len(pick))
	for i, tr := range pick {
		same[i] = -1
		for j := 0; j < i && same[i] < 0; j++ {
			if same[j] < 0 && sameCrop(tr.crop, pick[j].crop) {
				same[i] = j
			}
		}
	}
	return same
}

// readTexts OCRs the tracked regions and turns them into ScreenTexts. The
// regions the background reader read while the video decoded keep their
// readings; the others are read now.
func (s *Session) readTexts(ctx context.Context, durS float64) ([]kmeme.ScreenText, string, []kmeme.NotMeasured) {
	s.mu.Lock()
	all := s.text.tracks()
	dropped := s.text.dropped
	s.mu.Unlock()
	rd, early := s.early.finish()
	var notes []kmeme.NotMeasured
	if rd == nil {
		ts, n, err := findTesseract(ctx, s.opt)
		notes = n
		if err != nil {
			return nil, "", append(notes, kmeme.NotMeasured{What: "text", Reason: err.Error()})
		}
		rd = &ocrReader{ts: ts, notes: notes}
	} else {
		notes = append(notes, rd.notes...)
	}
	ts := rd.ts
	if dropped > 0 {
		notes = append(notes, kmeme.NotMeasured{What: "text", Reason: fmt.Sprintf("%d further text regions not read (over %d in one file)", dropped, maxTracks)})
	}
	// read the regions seen in two samples or more (half a second at the
	// default rate): a caption stays up longer; a region seen once is a
	// texture passing by
	pick := picked(all)
	if len(pick) > maxOCRCrops {
		notes = append(notes, kmeme.NotMeasured{What: "text", Reason: fmt.Sprintf("%d text regions not read (over %d in one file)", len(pick)-maxOCRCrops, maxOCRCrops)})
		pick = pick[:maxOCRCrops]
	}
	if len(pick) == 0 {
		return []kmeme.ScreenText{}, ts.engine(), notes
	}
	same := dedupe(pick)
	res := make([]ocrResult, len(pick))
	var left []int // regions read now
	var crops []crop
	for i, tr := range pick {
		if same[i] >= 0 {
			continue
		}
		if r, ok := early[tr]; ok {
			res[i] = r
			continue
		}
		left = append(left, i)
		crops = append(crops, tr.crop)
	}
	trace("ocr: %d regions (%d as seen before), %d read while decoding, %d now", len(pick), countSame(same), len(pick)-countSame(same)-len(left), len(left))
	if len(crops) > 0 {
		if rd.dir == "" {
			if err := rd.makeDir(s.opt); err != nil {
				return nil, "", append(notes, kmeme.NotMeasured{What: "text", Reason: err.Error()})
			}
			s.early.own(rd) // Close removes the crops
		}
		read, err := rd.readRegions(ctx, crops)
		if err != nil {
			return nil, "", append(notes, kmeme.NotMeasured{What: "text", Reason: err.Error()})
		}
		for k, i := range left {
			res[i] = read[k]
		}
	}
	for i := range pick {
		if same[i] >= 0 {
			res[i] = res[same[i]]
		}
	}
	half := 0.5 / s.opt.SampleFPS
	var found []kmeme.ScreenText
	for i, tr := range pick {
		text := joinSyllables(res[i].text)
		trace("ocr read %.1f–%.1f seen %d box %d,%d–%d,%d dark %v: %q conf %.2f", tr.first, tr.last, tr.seen, tr.x0, tr.y0, tr.x1, tr.y1, tr.crop.darkInk, text, res[i].conf)
		if !plausibleText(text, res[i].conf, tr.seen) {
			continue
		}
		st := kmeme.ScreenText{
			Text:       text,
			Start:      round3(math.Max(0, tr.first-half)),
			End:        round3(math.Min(math.Max(durS, tr.last), tr.last+half)),
			Box:        s.normBox(tr.x0, tr.y0, tr.x1, tr.y1),
			Lang:       language(text),
			Confidence: round3(res[i].conf),
		}
		found = append(found, st)
	}
	found = mergeTexts(found)
	for i := range found {
		found[i].Where, found[i].InSafeZone = placement(found[i].Box)
	}
	if found == nil {
		found = []kmeme.ScreenText{}
	}
	return found, ts.engine(), notes
}

// picked is the tracks worth reading, in the order given: those seen in
// two samples or more.
func picked(all []*track) []*track {
	var pick []*track
	for _, tr := range all {
		if tr.seen >= 2 {
			pick = append(pick, tr)
		}
	}
	return pick
}

func countSame(same []int) int {
	n := 0
	for _, j := range same {
		if j >= 0 {
			n++
		}
	}
	return n
}

// readRegions reads each crop: a first pass under its own polarity; what
// it reads poorly goes again in a second pass under the other readings: a
// bright region may be dark ink on a card or outlined white ink on a
// bright picture, and white ink on a bright picture separates from it only
// at a higher threshold. The surest reading wins. Then the re-reads under
// one language. Every decision is the region's own, so the result of a
// crop does not depend on the others read with it.
func (r *ocrReader) readRegions(ctx context.Context, crops []crop) ([]ocrResult, error) {
	ts := r.ts
	langs := strings.Join(ts.langs, "+")
	res := make([]ocrResult, len(crops))
	skipped0 := r.skipped
	var paths []string
	var firstRead []int // regions with a first image
	for i, c := range crops {
		p, err := r.write(c, defaultThreshold(c), false)
		if err != nil {
			return nil, err
		}
		if p == "" {
			continue
		}
		paths = append(paths, p)
		firstRead = append(firstRead, i)
	}
	var read []ocrResult
	if len(paths) > 0 {
		var err error
		read, err = ts.read(ctx, r.dir, paths, langs, r.low)
		if err != nil {
			return nil, err
		}
	}
	raw := make([]float64, len(crops)) // the best confidence tesseract gave, plausible or not
	take := func(i int, r ocrResult) {
		raw[i] = math.Max(raw[i], r.conf)
		r.text = cleanText(r.text)
		if !plausibleText(r.text, r.conf, 2) {
			r.conf = 0
		}
		if res[i].text == "" || r.conf > res[i].conf {
			res[i] = r
		}
	}
	// a region whose first image lost all its ink with the border, or
	// in which tesseract found no word, is picture: over both seeds of
	// the bench (60 items) its other readings found one caption-like
	// text, a false one, in 103 images
	worded := make([]bool, len(crops))
	for k, i := range firstRead {
		take(i, read[k])
		worded[i] = len(read[k].words) > 0
	}
	paths = paths[:0]
	var again []int
	for i, c := range crops {
		if res[i].conf >= retryBelow || !worded[i] {
			continue
		}
		for _, v := range retryVariants(c) {
			p, err := r.write(v.c, v.thr, v.open)
			if err != nil {
				return nil, err
			}
			if p == "" {
				continue
			}
			paths = append(paths, p)
			again = append(again, i)
		}
	}
	trace("ocr: %d regions, %d read, %d images read again, %d images without glyphs not read", len(crops), len(firstRead), len(paths), r.skipped-skipped0)
	if len(paths) > 0 {
		read, err := ts.read(ctx, r.dir, paths, langs, r.low)
		if err != nil {
			return nil, err
		}
		for k, i := range again {
			take(i, read[k])
		}
	}
	// the best image of a reading read again under one language, its
	// words taking the place prefer says; readings tesseract was not half
	// sure of are textures, which no language makes a caption of
	reread := func(lang, what string, want func(ocrResult) bool, prefer func(ocrResult, ocrResult) (ocrResult, bool)) error {
		paths, again = paths[:0], again[:0]
		for i := range crops {
			if res[i].path != "" && raw[i] >= 0.5 && want(res[i]) {
				paths = append(paths, res[i].path)
				again = append(again, i)
			}
		}
		trace("ocr: %d images read again in %s alone", len(paths), what)
		if len(paths) == 0 {
			return nil
		}
		read, err := ts.read(ctx, r.dir, paths, lang, r.low)
		if err != nil {
			return err
		}
		for k, i := range again {
			if r, ok := prefer(res[i], read[k]); ok {
				r.text = cleanText(r.text)
				if !plausibleText(r.text, r.conf, 2) {
					r.conf = 0
				}
				res[i] = r
			}
		}
		return nil
	}
	// readings with Latin letters, read with Korean alone: its Hangul
	// words replace Latin ones the mixed model made of Korean words
	if len(ts.langs) > 1 && ts.has("kor") {
		if err := reread("kor", "Korean", ocrResult.hasLatin, preferHangul); err != nil {
			return nil, err
		}
	}
	// readings with a word of digits among words, read with English
	// alone: its Latin words replace digits the Korean models made of
	// capitals
	if len(ts.langs) > 1 && ts.has("eng") {
		if err := reread("eng", "English", ocrResult.hasDigitWord, preferLatin); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (s *Session) normBox(x0, y0, x1, y1 int) kmeme.Box {
	fw, fh := float64(s.sw), float64(s.sh)
	return kmeme.Box{X: round3(float64(x0) / fw), Y: round3(float64(y0) / fh), W: round3(float64(x1-x0) / fw), H: round3(float64(y1-y0) / fh)}
}
