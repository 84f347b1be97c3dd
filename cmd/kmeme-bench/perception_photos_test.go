package main

import (
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// heldoutPackages are the packages issue #11's private held-out set draws
// on; our own held-out slice takes its photos from them and the tuning set
// never does.
var heldoutPackages = map[string]bool{"kphotoalbum": true, "python3-skimage": true, "facedetect": true}

func TestPhotoSetsKeepTheHeldOutPackagesApart(t *testing.T) {
	t.Parallel()
	for _, set := range []string{"tuning", "heldout"} {
		pt, err := photoTruthFor(set)
		if err != nil {
			t.Fatal(err)
		}
		if len(pt.Photos) == 0 {
			t.Fatalf("set %s has no photos", set)
		}
		for _, p := range pt.Photos {
			if heldoutPackages[p.Package] != (set == "heldout") {
				t.Errorf("set %s: photo %s comes from package %s", set, p.Name, p.Package)
			}
		}
	}
	if _, err := photoTruthFor("test"); err == nil {
		t.Error("an unknown photo set was accepted")
	}
}

func TestPhotoTruthIsConsistent(t *testing.T) {
	t.Parallel()
	for _, set := range []string{"tuning", "heldout"} {
		pt, err := photoTruthFor(set)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range photoTruthErrors(pt) {
			t.Errorf("set %s: %v", set, e)
		}
	}
}

// TestPhotoTruthCheckCatchesBadTruth feeds the checker truths broken in
// the ways a hand-recorded file goes wrong, so a pass above means something.
func TestPhotoTruthCheckCatchesBadTruth(t *testing.T) {
	t.Parallel()
	for name, breakIt := range map[string]func(*photoTruth){
		"face outside the photo":         func(pt *photoTruth) { pt.Photos[0].Faces[0].X = pt.Photos[0].Width - 10 },
		"fewer people than faces":        func(pt *photoTruth) { pt.Photos[0].People = 0 },
		"crop not 9:16":                  func(pt *photoTruth) { pt.Photos[0].Shots[0].Crop[2] += 30 },
		"crop outside the photo":         func(pt *photoTruth) { pt.Photos[0].Shots[0].Crop[0] = pt.Photos[0].Width },
		"close-up that shows the chest":  func(pt *photoTruth) { pt.Photos[0].Shots[1].Framing = "closeup" },
		"bust shot called a full shot":   func(pt *photoTruth) { pt.Photos[0].Shots[1].Framing = "full" },
		"shot count off the faces in it": func(pt *photoTruth) { pt.Photos[0].Shots[0].People = 2 },
		"letterbox with a framing":       func(pt *photoTruth) { pt.Photos[0].Shots[0].Crop, pt.Photos[0].Shots[0].Letterbox = nil, true },
		"stack of an unknown photo":      func(pt *photoTruth) { pt.Stacks[0].Parts[0].Photo = "nobody" },
		"stack count off its faces":      func(pt *photoTruth) { pt.Stacks[0].People = 3 },
		"duplicate shot name":            func(pt *photoTruth) { pt.Photos[0].Shots[1].Name = pt.Photos[0].Shots[0].Name },
	} {
		pt, err := photoTruthFor("heldout")
		if err != nil {
			t.Fatal(err)
		}
		if pt.Photos[0].Name != "astronaut" || len(pt.Photos[0].Shots) < 2 || pt.Photos[0].Shots[1].Framing != "bust" {
			t.Fatal("the held-out set no longer starts with the astronaut's close-up and bust shot; update this test")
		}
		breakIt(&pt)
		if len(photoTruthErrors(pt)) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}

func TestHeldoutSourcesCoverEveryKindOfShot(t *testing.T) {
	t.Parallel()
	pt, err := photoTruthFor("heldout")
	if err != nil {
		t.Fatal(err)
	}
	photo := map[string]string{}
	for _, p := range pt.Photos {
		photo[p.Name] = filepath.Join("root", p.Path)
	}
	people, none := heldoutSources(pt, photo)
	kinds := map[string]int{}
	for _, s := range people {
		switch {
		case s.stack != nil:
			kinds["stack"]++
			for _, part := range s.stack {
				if part.photo == "" || part.crop[2] == 0 {
					t.Errorf("%s: a split-screen part without photo or crop", s.name)
				}
			}
		case s.letterbox:
			kinds["letterbox"]++
		default:
			kinds[s.framing]++
		}
		if s.people == 0 {
			t.Errorf("people shot %s has no people", s.name)
		}
		if s.stack == nil && s.photo == "" {
			t.Errorf("people shot %s has no photo", s.name)
		}
	}
	for _, k := range []string{"closeup", "bust", "medium", "full", "letterbox", "stack"} {
		if kinds[k] == 0 {
			t.Errorf("no %s shot among the held-out people shots (%v)", k, kinds)
		}
	}
	if len(none) < 10 {
		t.Errorf("%d held-out shots without people, want at least 10", len(none))
	}
	for _, s := range none {
		if s.people != 0 || s.framing != "none" || s.crop[2] != 0 || !s.moves {
			t.Errorf("shot without people %s: %+v", s.name, s)
		}
	}
}

// TestHeldoutPhotoSizesMatchTheFiles checks the recorded sizes against the
// unpacked packages when scripts/bench-perception.sh (HELDOUT=1) has
// fetched them; the boxes are in those pixels.
func TestHeldoutPhotoSizesMatchTheFiles(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "bench-output", "perception-heldout-photos")
	if _, err := os.Stat(root); err != nil {
		t.Skip("held-out photos not unpacked (HELDOUT=1 scripts/bench-perception.sh)")
	}
	pt, err := photoTruthFor("heldout")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pt.Photos {
		f, err := os.Open(filepath.Join(root, p.Path))
		if err != nil {
			t.Error(err)
			continue
		}
		cfg, _, err := image.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		if cfg.Width != p.Width || cfg.Height != p.Height {
			t.Errorf("%s: file is %dx%d, truth says %dx%d", p.Name, cfg.Width, cfg.Height, p.Width, p.Height)
		}
	}
}

// photoTruthErrors lists what is inconsistent in a photo set's truth.
// The framing rules put the shot's bottom edge against the framed
// person's chin and waist, in head heights (head top to chin): a close-up
// stops within 0.9 head heights below the chin, a bust shot between that
// and the waist (and within 2.2), a medium shot at or past the waist but
// less than half the head-to-waist length past it, a full shot further
// down and past the feet when they are in the photo.
func photoTruthErrors(pt photoTruth) []error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	names := map[string]bool{}
	byName := map[string]photoRecord{}
	inside := func(x, y, w, h, W, H int) bool { return x >= 0 && y >= 0 && w > 0 && h > 0 && x+w <= W && y+h <= H }
	aspect := func(w, h int, want float64) bool { return math.Abs(float64(w)/float64(h)/want-1) <= 0.015 }
	for _, p := range pt.Photos {
		if names[p.Name] {
			bad("photo name %s twice", p.Name)
		}
		names[p.Name] = true
		byName[p.Name] = p
		if p.Width <= 0 || p.Height <= 0 || p.Path == "" || p.Package == "" {
			bad("%s: no size, path or package", p.Name)
			continue
		}
		if len(p.Faces) > p.People {
			bad("%s: %d faces but %d people", p.Name, len(p.Faces), p.People)
		}
		for i, f := range p.Faces {
			if !inside(f.X, f.Y, f.W, f.H, p.Width, p.Height) {
				bad("%s: face %d %v outside the %dx%d photo", p.Name, i, [4]int{f.X, f.Y, f.W, f.H}, p.Width, p.Height)
			}
		}
		if p.People > 0 && (p.HeadTop < 0 || len(p.Faces) > 0 && p.HeadTop > p.Faces[0].Y) {
			bad("%s: head_top %d not above the first face", p.Name, p.HeadTop)
		}
		for _, s := range p.Shots {
			if names[s.Name] {
				bad("shot name %s twice", s.Name)
			}
			names[s.Name] = true
			errs = append(errs, shotErrors(p, s)...)
		}
	}
	for _, st := range pt.Stacks {
		if names[st.Name] {
			bad("shot name %s twice", st.Name)
		}
		names[st.Name] = true
		if len(st.Parts) != 2 {
			bad("%s: %d parts, want 2 (top and bottom)", st.Name, len(st.Parts))
		}
		faces, complete := 0, true
		for _, part := range st.Parts {
			p, ok := byName[part.Photo]
			if !ok {
				bad("%s: no photo %s", st.Name, part.Photo)
				complete = false
				continue
			}
			c := part.Crop
			if !inside(c[0], c[1], c[2], c[3], p.Width, p.Height) || !aspect(c[2], c[3], 720.0/640) {
				bad("%s: crop %v of %s outside the photo or not 9:8", st.Name, c, p.Name)
			}
			faces += facesIn(p, c)
			complete = complete && len(p.Faces) == p.People
		}
		if complete && faces != st.People {
			bad("%s: %d faces in the parts, people %d", st.Name, faces, st.People)
		}
	}
	return errs
}

func shotErrors(p photoRecord, s photoShot) []error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(p.Name+" "+s.Name+": "+format, a...)) }
	switch s.Framing {
	case "closeup", "bust", "medium", "full", "none", "":
	default:
		bad("framing %q", s.Framing)
	}
	if (s.Framing == "none") != (s.People == 0) {
		bad("framing %q with %d people", s.Framing, s.People)
	}
	switch {
	case s.Letterbox:
		if s.Crop != nil || s.Framing != "" || s.People != p.People {
			bad("a letterbox shows the whole photo (%d people), has no crop and no framing", p.People)
		}
		return errs
	case s.Crop == nil:
		if s.Framing != "none" || p.People != 0 {
			bad("a photo filling the frame is for photos without people")
		}
		return errs
	}
	c := *s.Crop
	if c[0] < 0 || c[1] < 0 || c[2] <= 0 || c[3] <= 0 || c[0]+c[2] > p.Width || c[1]+c[3] > p.Height {
		bad("crop %v outside the %dx%d photo", c, p.Width, p.Height)
	}
	if math.Abs(float64(c[2])/float64(c[3])/(9.0/16)-1) > 0.015 {
		bad("crop %v is not 9:16", c)
	}
	if n := facesIn(p, c); n > s.People || len(p.Faces) == p.People && n != s.People {
		bad("%d recorded faces in the crop, people %d", n, s.People)
	}
	if s.People == 0 {
		return errs
	}
	if s.Face < 0 || s.Face >= len(p.Faces) {
		bad("framed face %d not recorded", s.Face)
		return errs
	}
	f := p.Faces[s.Face]
	if facesIn(photoRecord{Faces: p.Faces[s.Face : s.Face+1]}, c) != 1 {
		bad("the framed face is not in the crop")
	}
	headTop, waist, feet := p.HeadTop, p.Waist, p.Feet
	if s.HeadTop != nil {
		headTop, waist, feet = *s.HeadTop, s.Waist, nil
	}
	chin := f.Y + f.H
	hh := float64(chin - headTop)
	below := float64(c[1] + c[3] - chin) // the crop's bottom under the chin
	bottom := c[1] + c[3]
	switch s.Framing {
	case "closeup":
		if below >= 0.9*hh {
			bad("a close-up stopping %.1f head heights under the chin", below/hh)
		}
	case "bust":
		if below < 0.9*hh || below > 2.2*hh || waist != nil && bottom >= *waist {
			bad("a bust shot stopping %.1f head heights under the chin (bottom %d, waist %v)", below/hh, bottom, waist)
		}
	case "medium", "full":
		if waist == nil {
			bad("a %s shot of a person whose waist is not in the photo", s.Framing)
			break
		}
		past := float64(bottom-*waist) / float64(*waist-headTop)
		if s.Framing == "medium" && (past < 0 || past >= 0.5) {
			bad("a medium shot stopping %.2f head-to-waist lengths past the waist", past)
		}
		if s.Framing == "full" && (past < 0.5 || feet != nil && bottom < *feet) {
			bad("a full shot stopping %.2f head-to-waist lengths past the waist (feet %v)", past, feet)
		}
	}
	return errs
}

// facesIn counts the recorded faces whose centre is inside crop c.
func facesIn(p photoRecord, c [4]int) int {
	n := 0
	for _, f := range p.Faces {
		x, y := f.X+f.W/2, f.Y+f.H/2
		if x >= c[0] && x < c[0]+c[2] && y >= c[1] && y < c[1]+c[3] {
			n++
		}
	}
	return n
}
