package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

var slotNameRe = regexp.MustCompile(`^S\d\d · \S.* · (\d+\.\d+마디|\d+:\d\d\.\d)$`)

// wantCues is what every text layer must hold: shot number → text.
func wantCues(r *kmeme.Recipe, kind cueKind, reg kmeme.Register) map[int]string {
	out := map[int]string{}
	for _, s := range r.Shots {
		t := s.Caption.Text(reg)
		if kind == cueOvertitle {
			t = s.Overtitle
			if reg == kmeme.RegisterPolite && s.OvertitlePolite != "" {
				t = s.OvertitlePolite
			}
		}
		if t = strings.TrimSpace(t); t != "" {
			out[s.N] = t
		}
	}
	return out
}

// checkSlotFrames asserts the slot grid every timeline shares: one slot per
// shot, contiguous from frame 0, each start the frame of the shot's start
// (and within a frame of its beat), durations summing to the video.
func checkSlotFrames(t *testing.T, f fixture, starts, durs []int64) {
	t.Helper()
	tb := timebaseOf(f.a)
	if len(starts) != len(f.r.Shots) || len(durs) != len(f.r.Shots) {
		t.Fatalf("%s: %d slots for %d shots", f.name, len(starts), len(f.r.Shots))
	}
	next := int64(0)
	for i, s := range f.r.Shots {
		if starts[i] != next || durs[i] <= 0 {
			t.Errorf("%s: slot %d at frame %d lasting %d, want start %d", f.name, i+1, starts[i], durs[i], next)
		}
		if want := tb.frames(s.Start); starts[i] != want {
			t.Errorf("%s: slot %d starts at frame %d, shot starts at %.3f s = frame %d", f.name, i+1, starts[i], s.Start, want)
		}
		if i > 0 && s.StartBeat != "" && f.a.HasTempo() {
			best := int64(math.MaxInt64)
			for _, b := range f.a.Beats {
				best = min(best, abs64(tb.frames(b)-starts[i]))
			}
			if best > 1 {
				t.Errorf("%s: slot %d (beat %s) is %d frames from the nearest beat", f.name, i+1, s.StartBeat, best)
			}
		}
		next = starts[i] + durs[i]
	}
	if want := tb.frames(f.a.DurationS); next != want {
		t.Errorf("%s: slots last %d frames, the video %d", f.name, next, want)
	}
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// --- FCPXML ---

type fcpTitleX struct {
	Lane     int    `xml:"lane,attr"`
	Offset   string `xml:"offset,attr"`
	Duration string `xml:"duration,attr"`
	Enabled  string `xml:"enabled,attr"`
	Name     string `xml:"name,attr"`
	Params   []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"param"`
	Text  string `xml:"text>text-style"`
	Style struct {
		Font     string `xml:"font,attr"`
		FontSize int    `xml:"fontSize,attr"`
	} `xml:"text-style-def>text-style"`
}

type fcpDocX struct {
	Version   string `xml:"version,attr"`
	Resources struct {
		Format struct {
			FrameDuration string `xml:"frameDuration,attr"`
			Width         int    `xml:"width,attr"`
			Height        int    `xml:"height,attr"`
		} `xml:"format"`
		Asset struct {
			MediaRep struct {
				Src string `xml:"src,attr"`
			} `xml:"media-rep"`
		} `xml:"asset"`
	} `xml:"resources"`
	Sequence struct {
		Duration string `xml:"duration,attr"`
		Gaps     []struct {
			Name     string `xml:"name,attr"`
			Offset   string `xml:"offset,attr"`
			Start    string `xml:"start,attr"`
			Duration string `xml:"duration,attr"`
			Clips    []struct {
				Lane      int    `xml:"lane,attr"`
				Enabled   string `xml:"enabled,attr"`
				SrcEnable string `xml:"srcEnable,attr"`
				Duration  string `xml:"duration,attr"`
			} `xml:"asset-clip"`
			Titles  []fcpTitleX `xml:"title"`
			Markers []struct {
				Start string `xml:"start,attr"`
				Value string `xml:"value,attr"`
			} `xml:"marker"`
		} `xml:"spine>gap"`
	} `xml:"library>event>project>sequence"`
}

// parseFCPTime reads "n/ds" or "ns" into numerator/denominator.
func parseFCPTime(t *testing.T, s string) (int64, int64) {
	t.Helper()
	m := regexp.MustCompile(`^(\d+)(?:/(\d+))?s$`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("time %q is not a rational FCPXML time", s)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	d := int64(1)
	if m[2] != "" {
		d, _ = strconv.ParseInt(m[2], 10, 64)
	}
	return n, d
}

// TestFCPXMLTemplate checks timeline.fcpxml against the published FCPXML
// 1.10 structure (a DTD of the elements we use, testdata/fcpxml-1.10-subset.dtd,
// validated by xmllint) and the template's promises: one named gap per
// planned shot, frame-exact and contiguous; the source on a disabled lower
// lane and the music bed below it; beat markers; Basic Titles for both
// registers, only the chosen one enabled, in NanumGothic/NanumSquare,
// placed inside the safe zone.
func TestFCPXMLTemplate(t *testing.T) {
	t.Parallel()
	for _, f := range allFixtures(t) {
		for _, reg := range registers {
			b, err := FCPXML(f.a, f.r, "file:///media/a%20b.mp4", reg)
			if err != nil {
				t.Fatal(err)
			}
			xmllintDTD(t, b, "fcpxml-1.10-subset.dtd")
			var doc fcpDocX
			if err := xml.Unmarshal(b, &doc); err != nil {
				t.Fatalf("fcpxml: %v", err)
			}
			if doc.Version != "1.10" {
				t.Errorf("version %q", doc.Version)
			}
			tb := timebaseOf(f.a)
			fdN, fdD := parseFCPTime(t, doc.Resources.Format.FrameDuration)
			if fdN != tb.Den || fdD != tb.Num {
				t.Errorf("frameDuration %s for %v fps", doc.Resources.Format.FrameDuration, tb.rate())
			}
			onGrid := func(s string) int64 {
				n, d := parseFCPTime(t, s)
				if (n*fdD)%(d*fdN) != 0 {
					t.Errorf("time %s is off the %s frame grid", s, doc.Resources.Format.FrameDuration)
				}
				return n * fdD / (d * fdN)
			}
			var starts, durs []int64
			markers := 0
			got := map[string]map[int]string{}
			z := safeZoneFor(doc.Resources.Format.Width, doc.Resources.Format.Height)
			for i, g := range doc.Sequence.Gaps {
				if !slotNameRe.MatchString(g.Name) {
					t.Errorf("gap %d named %q", i+1, g.Name)
				}
				off, du := onGrid(g.Offset), onGrid(g.Duration)
				if onGrid(g.Start) != off {
					t.Errorf("gap %d start %s differs from its offset %s", i+1, g.Start, g.Offset)
				}
				starts, durs = append(starts, off), append(durs, du)
				for _, m := range g.Markers {
					if mf := onGrid(m.Start); mf < off || mf >= off+du {
						t.Errorf("gap %d: marker %q at frame %d outside [%d,%d)", i+1, m.Value, mf, off, off+du)
					}
					markers++
				}
				for _, ti := range g.Titles {
					tf, td := onGrid(ti.Offset), onGrid(ti.Duration)
					// an overtitle fills its slot; a timed caption lies inside it
					exact := strings.HasPrefix(ti.Name, "예능 자막")
					if (exact && (tf != off || td != du)) || tf < off || tf+td > off+du || td <= 0 {
						t.Errorf("title %q at %d+%d, its slot at %d+%d", ti.Name, tf, td, off, du)
					}
					kind, font := cueCaption, fontCaption
					if strings.HasPrefix(ti.Name, "예능 자막") {
						kind, font = cueOvertitle, fontOvertitle
					}
					rg := kmeme.RegisterCasual
					if strings.Contains(ti.Name, "존댓말") {
						rg = kmeme.RegisterPolite
					}
					if (ti.Enabled == "1") != (rg == reg) {
						t.Errorf("title %q enabled=%s with %s chosen", ti.Name, ti.Enabled, reg)
					}
					if ti.Style.Font != font {
						t.Errorf("title %q in font %q, want %s", ti.Name, ti.Style.Font, font)
					}
					if want := laneFor(kind, rg == reg); ti.Lane != want {
						t.Errorf("title %q on lane %d, want %d", ti.Name, ti.Lane, want)
					}
					key := string(kind) + "/" + string(rg)
					if got[key] == nil {
						got[key] = map[int]string{}
					}
					got[key][i+1] = ti.Text
					// The text block around Position (centre, y up) lies in the safe zone.
					var px, py int
					for _, p := range ti.Params {
						if p.Name == "Position" {
							fmt.Sscanf(p.Value, "%d %d", &px, &py)
						}
					}
					lines := strings.Count(ti.Text, "\n") + 1
					h := lines * ti.Style.FontSize * 6 / 5
					w := int(textUnits(ti.Text) * float64(ti.Style.FontSize))
					cx, cy := z.W/2+px, z.H/2-py
					if !z.Contains(cx-w/2, cy-h/2, cx+w/2, cy+h/2) {
						t.Errorf("%s: title %q block (%d,%d)-(%d,%d) leaves the safe zone %+v", f.name, ti.Text, cx-w/2, cy-h/2, cx+w/2, cy+h/2, z)
					}
				}
			}
			checkSlotFrames(t, f, starts, durs)
			if onGrid(doc.Sequence.Duration) != tb.frames(f.a.DurationS) {
				t.Errorf("sequence duration %s", doc.Sequence.Duration)
			}
			if markers != len(beatMarks(f.a)) {
				t.Errorf("%s: %d markers for %d beats", f.name, markers, len(beatMarks(f.a)))
			}
			for _, rg := range registers {
				for _, kind := range []cueKind{cueCaption, cueOvertitle} {
					want := wantCues(f.r, kind, rg)
					if g := got[string(kind)+"/"+string(rg)]; len(want) > 0 && !mapsEqual(g, want) {
						t.Errorf("%s %s/%s titles %v, want %v", f.name, kind, rg, g, want)
					}
				}
			}
			ref := doc.Sequence.Gaps[0].Clips
			if f.a.Video != nil && (len(ref) == 0 || ref[0].Lane != laneSourceVideo || ref[0].Enabled != "0" || ref[0].SrcEnable != "video") {
				t.Errorf("%s: source reference clip %+v", f.name, ref)
			}
			if f.a.Audio != nil && (len(ref) == 0 || ref[len(ref)-1].Lane != laneMusicBed || ref[len(ref)-1].SrcEnable != "audio") {
				t.Errorf("%s: music bed clip %+v", f.name, ref)
			}
			if doc.Resources.Asset.MediaRep.Src != "file:///media/a%20b.mp4" {
				t.Errorf("media-rep src %q", doc.Resources.Asset.MediaRep.Src)
			}
		}
	}
}

func mapsEqual(a, b map[int]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func xmllintDTD(t *testing.T, b []byte, dtd string) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not installed (Debian package libxml2-utils, in scripts/apt-packages.txt)")
	}
	p := filepath.Join(t.TempDir(), "t.xml")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--noout", "--nonet"}
	if dtd != "" {
		abs, _ := filepath.Abs(filepath.Join("testdata", dtd))
		args = append(args, "--dtdvalid", abs)
	}
	if out, err := exec.Command(bin, append(args, p)...).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
}

func TestFCPXMLDTDCatchesAStrayElement(t *testing.T) {
	t.Parallel()
	f := fixtures(t)[0]
	b, _ := FCPXML(f.a, f.r, "", kmeme.RegisterCasual)
	bad := bytes.Replace(b, []byte("<note>"), []byte("<caption-note>"), 1)
	bad = bytes.Replace(bad, []byte("</note>"), []byte("</caption-note>"), 1)
	p := filepath.Join(t.TempDir(), "bad.fcpxml")
	os.WriteFile(p, bad, 0o644)
	abs, _ := filepath.Abs("testdata/fcpxml-1.10-subset.dtd")
	if err := exec.Command("xmllint", "--noout", "--dtdvalid", abs, p).Run(); err == nil {
		t.Error("the DTD check accepted an element FCPXML does not have")
	}
}

// --- OTIO ---

// otioFields are the keys each schema serializes, from OpenTimelineIO's
// serialized-schema documentation (docs/tutorials/otio-serialized-schema.md,
// v0.16+); an object with a key missing or unknown fails.
var otioFields = map[string][]string{
	"Timeline.1":           {"OTIO_SCHEMA", "metadata", "name", "global_start_time", "tracks"},
	"Stack.1":              {"OTIO_SCHEMA", "metadata", "name", "source_range", "effects", "markers", "enabled", "children"},
	"Track.1":              {"OTIO_SCHEMA", "metadata", "name", "source_range", "effects", "markers", "enabled", "children", "kind"},
	"Clip.2":               {"OTIO_SCHEMA", "metadata", "name", "source_range", "effects", "markers", "enabled", "media_references", "active_media_reference_key"},
	"Gap.1":                {"OTIO_SCHEMA", "metadata", "name", "source_range", "effects", "markers", "enabled"},
	"Marker.3":             {"OTIO_SCHEMA", "metadata", "name", "color", "comment", "marked_range"},
	"Color.1":              {"OTIO_SCHEMA", "r", "g", "b", "a", "name"},
	"RationalTime.1":       {"OTIO_SCHEMA", "rate", "value"},
	"TimeRange.1":          {"OTIO_SCHEMA", "duration", "start_time"},
	"ExternalReference.1":  {"OTIO_SCHEMA", "metadata", "name", "available_range", "available_image_bounds", "target_url"},
	"MissingReference.1":   {"OTIO_SCHEMA", "metadata", "name", "available_range", "available_image_bounds"},
	"GeneratorReference.1": {"OTIO_SCHEMA", "metadata", "name", "available_range", "available_image_bounds", "generator_kind", "parameters"},
}

// TestOTIOTemplate checks timeline.otio against OpenTimelineIO's
// serialized schema (keys per schema, whole frames at the source rate) and
// the template: track 1 one generator placeholder per shot with beat
// markers, the disabled source reference, four text tracks (captions and
// overtitles × 반말/존댓말) whose clips sit on their shot's frames with the
// text in metadata, and the music bed on an audio track.
func TestOTIOTemplate(t *testing.T) {
	t.Parallel()
	for _, f := range allFixtures(t) {
		for _, src := range []string{"", "file:///media/source.mp4"} {
			reg := kmeme.RegisterPolite
			b, err := OTIO(f.a, f.r, src, reg)
			if err != nil {
				t.Fatal(err)
			}
			var tl map[string]any
			if err := json.Unmarshal(b, &tl); err != nil {
				t.Fatalf("otio is not JSON: %v", err)
			}
			tb := timebaseOf(f.a)
			schemas := map[string]int{}
			var walk func(v any)
			walk = func(v any) {
				switch x := v.(type) {
				case map[string]any:
					if s, ok := x["OTIO_SCHEMA"].(string); ok {
						schemas[s]++
						want, known := otioFields[s]
						if !known {
							t.Errorf("unknown schema %s", s)
						}
						for _, k := range want {
							if _, ok := x[k]; !ok {
								t.Errorf("%s lacks %q", s, k)
							}
						}
						for k := range x {
							if !slices.Contains(want, k) {
								t.Errorf("%s has unknown key %q", s, k)
							}
						}
						if s == "RationalTime.1" {
							val, rate := x["value"].(float64), x["rate"].(float64)
							if val != math.Trunc(val) || val < 0 {
								t.Errorf("RationalTime value %v is not a whole frame", val)
							}
							if math.Abs(rate-tb.rate()) > 1e-9 {
								t.Errorf("rate %v, want %v", rate, tb.rate())
							}
						}
						for k, c := range x {
							if k != "metadata" && k != "parameters" {
								walk(c)
							}
						}
						return
					}
					for _, c := range x {
						walk(c)
					}
				case []any:
					for _, c := range x {
						walk(c)
					}
				}
			}
			walk(tl)
			if tl["OTIO_SCHEMA"] != "Timeline.1" || schemas["Stack.1"] != 1 {
				t.Fatalf("%s: top-level schemas %v", f.name, schemas)
			}
			tracks := tl["tracks"].(map[string]any)["children"].([]any)
			tr := func(i int) map[string]any { return tracks[i].(map[string]any) }
			dur := func(c map[string]any) int64 {
				return int64(c["source_range"].(map[string]any)["duration"].(map[string]any)["value"].(float64))
			}
			// Track 1: the slots.
			slotsT := tr(0)
			if slotsT["kind"] != "Video" || slotsT["enabled"] != true {
				t.Errorf("track 1 %v/%v", slotsT["kind"], slotsT["enabled"])
			}
			var starts, durs []int64
			at := int64(0)
			for i, c := range slotsT["children"].([]any) {
				cm := c.(map[string]any)
				ref := cm["media_references"].(map[string]any)["DEFAULT_MEDIA"].(map[string]any)
				if cm["OTIO_SCHEMA"] != "Clip.2" || ref["OTIO_SCHEMA"] != "GeneratorReference.1" || !slotNameRe.MatchString(cm["name"].(string)) {
					t.Errorf("slot %d: %v %v %q", i+1, cm["OTIO_SCHEMA"], ref["OTIO_SCHEMA"], cm["name"])
				}
				if n := cm["metadata"].(map[string]any)["kmeme"].(map[string]any)["shot"].(float64); int(n) != f.r.Shots[i].N {
					t.Errorf("slot %d is shot %v", i+1, n)
				}
				d := dur(cm)
				starts, durs = append(starts, at), append(durs, d)
				at += d
			}
			checkSlotFrames(t, f, starts, durs)
			markers := slotsT["markers"].([]any)
			if len(markers) != len(beatMarks(f.a)) {
				t.Errorf("%s: %d markers for %d beats", f.name, len(markers), len(beatMarks(f.a)))
			}
			next := 1
			if f.a.Video != nil {
				if tr(1)["enabled"] != false || dur(tr(1)["children"].([]any)[0].(map[string]any)) != tb.frames(f.a.DurationS) {
					t.Errorf("track 2 is not the disabled source reference: %v", tr(1)["name"])
				}
				next = 2
			}
			seen := 0
			for _, x := range tracks[next:] {
				tm := x.(map[string]any)
				if tm["kind"] == "Audio" {
					if f.a.Audio == nil {
						t.Error("music bed without source audio")
					}
					seen |= 1 << 4
					continue
				}
				meta := tm["metadata"].(map[string]any)["kmeme"].(map[string]any)
				kind, rg := cueKind(meta["layer"].(string)), kmeme.Register(meta["register"].(string))
				if (tm["enabled"] == true) != (rg == reg) {
					t.Errorf("track %v enabled %v with %s chosen", tm["name"], tm["enabled"], reg)
				}
				got := map[int]string{}
				pos := int64(0)
				for _, c := range tm["children"].([]any) {
					cm := c.(map[string]any)
					if cm["OTIO_SCHEMA"] == "Clip.2" {
						km := cm["metadata"].(map[string]any)["kmeme"].(map[string]any)
						n := int(km["shot"].(float64))
						got[n] = km["text"].(string)
						exact := strings.HasPrefix(tm["name"].(string), "예능")
						if (exact && (pos != starts[n-1] || dur(cm) != durs[n-1])) || pos < starts[n-1] || pos+dur(cm) > starts[n-1]+durs[n-1] || dur(cm) <= 0 {
							t.Errorf("%s: %s text of shot %d at %d+%d, slot at %d+%d", f.name, tm["name"], n, pos, dur(cm), starts[n-1], durs[n-1])
						}
					}
					pos += dur(cm)
				}
				if want := wantCues(f.r, kind, rg); !mapsEqual(got, want) {
					t.Errorf("%s: track %v holds %v, want %v", f.name, tm["name"], got, want)
				}
				seen |= 1 << (map[cueKind]int{cueCaption: 0, cueOvertitle: 1}[kind] + 2*map[kmeme.Register]int{kmeme.RegisterCasual: 0, kmeme.RegisterPolite: 1}[rg])
			}
			if want := 15 | map[bool]int{true: 16}[f.a.Audio != nil]; seen != want {
				t.Errorf("%s: text/audio tracks seen %b, want %b", f.name, seen, want)
			}
			refs := schemas["ExternalReference.1"] + schemas["MissingReference.1"]
			if wantRefs := map[bool]int{true: 1}[f.a.Video != nil] + map[bool]int{true: 1}[f.a.Audio != nil]; refs != wantRefs {
				t.Errorf("%s: %d source references, want %d", f.name, refs, wantRefs)
			}
			if src == "" && schemas["ExternalReference.1"] != 0 {
				t.Error("no source URL but an ExternalReference")
			}
		}
	}
}

// --- xmeml (FCP 7 XML for Premiere) ---

type xmDocX struct {
	Version  string `xml:"version,attr"`
	Sequence struct {
		Duration int64 `xml:"duration"`
		Rate     struct {
			Timebase int64  `xml:"timebase"`
			NTSC     string `xml:"ntsc"`
		} `xml:"rate"`
		Video struct {
			Width  int `xml:"format>samplecharacteristics>width"`
			Tracks []struct {
				Enabled string `xml:"enabled"`
				Gens    []struct {
					Name    string `xml:"name"`
					Start   int64  `xml:"start"`
					End     int64  `xml:"end"`
					In      int64  `xml:"in"`
					Out     int64  `xml:"out"`
					Enabled string `xml:"enabled"`
					Effect  struct {
						ID     string `xml:"effectid"`
						Params []struct {
							ID    string `xml:"parameterid"`
							Value struct {
								Text  string `xml:",chardata"`
								Horiz string `xml:"horiz"`
								Vert  string `xml:"vert"`
							} `xml:"value"`
						} `xml:"parameter"`
					} `xml:"effect"`
				} `xml:"generatoritem"`
				Clips []struct {
					Enabled string `xml:"enabled"`
					File    struct {
						ID      string `xml:"id,attr"`
						PathURL string `xml:"pathurl"`
					} `xml:"file"`
				} `xml:"clipitem"`
			} `xml:"track"`
		} `xml:"media>video"`
		AudioClips []struct {
			File struct {
				ID      string `xml:"id,attr"`
				PathURL string `xml:"pathurl"`
			} `xml:"file"`
		} `xml:"media>audio>track>clipitem"`
		Markers []struct {
			Name string `xml:"name"`
			In   int64  `xml:"in"`
			Out  int64  `xml:"out"`
		} `xml:"marker"`
	} `xml:"sequence"`
}

// TestXMEMLTemplate checks timeline.premiere.xml: well-formed for xmllint,
// xmeml version 5 with the sequence › media › video › track ›
// generatoritem/clipitem structure of FCP 7's interchange format, the slot
// track on the frame grid, text generators of both registers (chosen one
// enabled) inside the safe zone, one file element defined once and
// referenced after, and a marker per beat.
func TestXMEMLTemplate(t *testing.T) {
	t.Parallel()
	for _, f := range allFixtures(t) {
		b, err := XMEML(f.a, f.r, "file:///media/a%20b.mp4", kmeme.RegisterCasual)
		if err != nil {
			t.Fatal(err)
		}
		xmllintDTD(t, b, "")
		var doc xmDocX
		if err := xml.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		tb := timebaseOf(f.a)
		if doc.Version != "5" || doc.Sequence.Rate.Timebase != nominalFPS(tb) || (doc.Sequence.Rate.NTSC == "TRUE") != (tb.Den == 1001) {
			t.Errorf("%s: version %s rate %+v", f.name, doc.Version, doc.Sequence.Rate)
		}
		tracks := doc.Sequence.Video.Tracks
		var starts, durs []int64
		for _, g := range tracks[0].Gens {
			if g.Effect.ID != "Slug" || !slotNameRe.MatchString(g.Name) || g.Out-g.In != g.End-g.Start {
				t.Errorf("slot %+v", g)
			}
			starts, durs = append(starts, g.Start), append(durs, g.End-g.Start)
		}
		checkSlotFrames(t, f, starts, durs)
		if doc.Sequence.Duration != tb.frames(f.a.DurationS) {
			t.Errorf("sequence duration %d", doc.Sequence.Duration)
		}
		fw, fh, _ := frameSize(f.a)
		z := safeZoneFor(fw, fh)
		texts := map[string]map[int]string{}
		for _, tr := range tracks[1:] {
			for _, g := range tr.Gens {
				if g.Effect.ID != "Text" {
					t.Errorf("generator %s on a text track", g.Effect.ID)
					continue
				}
				p := map[string]string{}
				var hz, vt float64
				for _, pa := range g.Effect.Params {
					p[pa.ID] = pa.Value.Text
					if pa.ID == "origin" {
						hz, _ = strconv.ParseFloat(pa.Value.Horiz, 64)
						vt, _ = strconv.ParseFloat(pa.Value.Vert, 64)
					}
				}
				if p["fontname"] != fontCaption && p["fontname"] != fontOvertitle {
					t.Errorf("text font %q", p["fontname"])
				}
				x, y := int((hz+0.5)*float64(z.W)), int((vt+0.5)*float64(z.H))
				if !z.Contains(x, y, x, y) {
					t.Errorf("text %q centred at (%d,%d), outside the safe zone", p["str"], x, y)
				}
				key := g.Name[:strings.Index(g.Name, " · S")]
				if texts[key] == nil {
					texts[key] = map[int]string{}
				}
				n, _ := strconv.Atoi(g.Name[len(g.Name)-2:])
				texts[key][n] = strings.ReplaceAll(p["str"], "\r", "\n")
				if (g.Enabled == "TRUE") != strings.Contains(key, "반말") || g.Enabled != tr.Enabled {
					t.Errorf("text %s enabled %s on a track enabled %s", g.Name, g.Enabled, tr.Enabled)
				}
				exact := strings.HasPrefix(key, "예능")
				if (exact && (g.Start != starts[n-1] || g.End != starts[n-1]+durs[n-1])) || g.Start < starts[n-1] || g.End > starts[n-1]+durs[n-1] || g.End <= g.Start {
					t.Errorf("text %s at %d–%d, slot %d–%d", g.Name, g.Start, g.End, starts[n-1], starts[n-1]+durs[n-1])
				}
			}
		}
		for _, rg := range registers {
			for _, kind := range []cueKind{cueCaption, cueOvertitle} {
				label := map[cueKind]string{cueCaption: "자막", cueOvertitle: "예능 자막"}[kind] + " · " + registerName(rg)
				if want := wantCues(f.r, kind, rg); !mapsEqual(texts[label], want) {
					t.Errorf("%s: %s %v, want %v", f.name, label, texts[label], want)
				}
			}
		}
		defined := 0
		for _, tr := range tracks {
			for _, c := range tr.Clips {
				if c.File.PathURL != "" {
					defined++
				}
				if c.Enabled != "FALSE" || c.File.ID != "file-1" {
					t.Errorf("source reference clip %+v", c)
				}
			}
		}
		for _, c := range doc.Sequence.AudioClips {
			if c.File.PathURL != "" {
				defined++
			}
		}
		if defined != 1 {
			t.Errorf("file-1 defined %d times", defined)
		}
		if len(doc.Sequence.Markers) != len(beatMarks(f.a)) {
			t.Errorf("%d markers for %d beats", len(doc.Sequence.Markers), len(beatMarks(f.a)))
		}
	}
}

// --- EDL ---

func TestEDLParsesBack(t *testing.T) {
	t.Parallel()
	for _, f := range allFixtures(t) {
		tb := timebaseOf(f.a)
		l, err := ParseEDL(EDL(f.a, f.r), int(nominalFPS(tb)))
		if err != nil {
			t.Fatalf("%s: %v\n%s", f.name, err, EDL(f.a, f.r))
		}
		var starts, durs []int64
		locs := 0
		for i, e := range l.Events {
			if e.Reel != "BL" || e.Track != "V" || e.Transition != "C" || e.SrcIn != 0 {
				t.Errorf("event %d: %+v", i+1, e)
			}
			if !slotNameRe.MatchString(e.ClipName) || !strings.HasPrefix(e.ClipName, fmt.Sprintf("S%02d ", f.r.Shots[i].N)) {
				t.Errorf("event %d clip name %q", i+1, e.ClipName)
			}
			starts, durs = append(starts, e.RecIn), append(durs, e.RecOut-e.RecIn)
			locs += len(e.Locators)
		}
		checkSlotFrames(t, f, starts, durs)
		if locs != len(beatMarks(f.a)) {
			t.Errorf("%s: %d locators for %d beats", f.name, locs, len(beatMarks(f.a)))
		}
	}
}

func TestParseEDLRejectsMalformed(t *testing.T) {
	t.Parallel()
	good := "TITLE: T\nFCM: NON-DROP FRAME\n\n" +
		"001  BL       V     C        00:00:00:00 00:00:01:00 00:00:00:00 00:00:01:00\n" +
		"* FROM CLIP NAME: S01 · 풀샷 · 1.1마디\n* LOC: 00:00:00:15 RED     bar 1\n\n" +
		"002  BL       V     C        00:00:00:00 00:00:00:10 00:00:01:00 00:00:01:10\n"
	if l, err := ParseEDL([]byte(good), 30); err != nil || len(l.Events) != 2 || l.Events[0].Locators[0].Frame != 15 || l.Events[1].RecOut != 40 {
		t.Fatalf("good list: %v %+v", err, l)
	}
	for name, bad := range map[string]string{
		"no title":          strings.Replace(good, "TITLE: T\n", "", 1),
		"no fcm":            strings.Replace(good, "FCM: NON-DROP FRAME\n", "", 1),
		"frames over rate":  strings.Replace(good, "00:00:01:00 00:00:01:10", "00:00:01:00 00:00:01:30", 1),
		"minutes over 59":   strings.Replace(good, "00:00:00:00 00:00:01:00 00:00:00:00", "00:00:00:00 00:60:01:00 00:00:00:00", 1),
		"durations differ":  strings.Replace(good, "00:00:00:10 00:00:01:00", "00:00:00:11 00:00:01:00", 1),
		"out of order":      strings.Replace(good, "002  BL", "003  BL", 1),
		"overlap":           strings.Replace(good, "00:00:00:10 00:00:01:00 00:00:01:10", "00:00:00:10 00:00:00:20 00:00:01:00", 1),
		"no duration":       strings.Replace(good, "00:00:01:00 00:00:00:00 00:00:01:00\n", "00:00:00:00 00:00:00:00 00:00:00:00\n", 1),
		"short event":       strings.Replace(good, " 00:00:01:00 00:00:00:00 00:00:01:00\n", " 00:00:01:00\n", 1),
		"locator outside":   strings.Replace(good, "LOC: 00:00:00:15", "LOC: 00:00:01:05", 1),
		"locator colour":    strings.Replace(good, "RED     bar", "PINK    bar", 1),
		"stray line":        good + "hello\n",
		"comment first":     strings.Replace(good, "FCM: NON-DROP FRAME\n", "FCM: NON-DROP FRAME\n* note\n", 1),
		"drop frame tc":     strings.Replace(good, "00:00:01:00 00:00:01:10", "00:00:01;00 00:00:01:10", 1),
		"reel too long":     strings.Replace(good, "002  BL      ", "002  ABCDEFGHI", 1),
		"dissolve no frame": strings.Replace(good, "V     C        00:00:00:00 00:00:00:10", "V     D        00:00:00:00 00:00:00:10", 1),
		"empty":             "",
	} {
		if bad == good {
			t.Fatalf("%s: mutation did not apply", name)
		}
		if _, err := ParseEDL([]byte(bad), 30); err == nil {
			t.Errorf("%s: accepted\n%s", name, bad)
		}
	}
}

// --- ASS and SRT ---

var assPosRe = regexp.MustCompile(`^(Dialogue|Comment): (\d+),([\d:.]+),([\d:.]+),([^,]+),([^,]*),0,0,0,,\{\\an(\d)\\pos\((\d+),(\d+)\)[^}]*\}(.*)$`)

// TestASSStructure reads subtitles.*.ass back: four styles (two per
// register) in the Nanum fonts, the chosen register's lines as Dialogue
// and the other's as Comment, every line anchored by \pos inside the
// safe zone of its frame, with the text of the recipe.
func TestASSStructure(t *testing.T) {
	t.Parallel()
	for _, f := range allFixtures(t) {
		for _, dim := range [][2]int{assPortrait, assLandscape} {
			reg := kmeme.RegisterPolite
			s := string(ASS(f.a, f.r, reg, dim[0], dim[1]))
			z := safeZoneFor(dim[0], dim[1])
			for _, want := range []string{"ScriptType: v4.00+", fmt.Sprintf("PlayResX: %d", dim[0]), fmt.Sprintf("PlayResY: %d", dim[1]),
				"Style: Caption-Casual,NanumGothic,", "Style: Caption-Polite,NanumGothic,", "Style: Overtitle-Casual,NanumSquare,",
				"Style: Overtitle-Polite,NanumSquare,", "; 글꼴이 없으면 대체: NanumGothic"} {
				if !strings.Contains(s, want) {
					t.Errorf("%s %v: lacks %q", f.name, dim, want)
				}
			}
			got := map[string]map[int]string{}
			for _, line := range strings.Split(s, "\n") {
				if !strings.HasPrefix(line, "Dialogue:") && !strings.HasPrefix(line, "Comment:") {
					continue
				}
				m := assPosRe.FindStringSubmatch(line)
				if m == nil {
					t.Errorf("line without \\an\\pos: %q", line)
					continue
				}
				polite := strings.HasSuffix(m[5], "-Polite")
				if (m[1] == "Dialogue") != polite {
					t.Errorf("%s line in style %s with polite chosen", m[1], m[5])
				}
				x, _ := strconv.Atoi(m[8])
				y, _ := strconv.Atoi(m[9])
				if !z.Contains(x, y, x, y) {
					t.Errorf("%v: %q anchored at (%d,%d), outside the safe zone %+v", dim, m[10], x, y, z)
				}
				if strings.HasPrefix(m[5], "Overtitle") != (m[7] == "8") {
					t.Errorf("style %s anchored \\an%s", m[5], m[7])
				}
				n, _ := strconv.Atoi(m[6][1:])
				if got[m[5]] == nil {
					got[m[5]] = map[int]string{}
				}
				got[m[5]][n] = strings.ReplaceAll(m[10], `\N`, "\n")
			}
			for _, rg := range registers {
				for _, kind := range []cueKind{cueCaption, cueOvertitle} {
					style := map[cueKind]string{cueCaption: "Caption-", cueOvertitle: "Overtitle-"}[kind] + assRegisterSuffix(rg)
					if want := wantCues(f.r, kind, rg); !mapsEqual(got[style], want) {
						t.Errorf("%s: %s %v, want %v", f.name, style, got[style], want)
					}
				}
			}
		}
	}
}

// TestASSBurnsInSafeZone has ffmpeg's subtitles filter (libass) parse each
// ASS file and burn it onto a black frame in the middle of shot 1: ink
// appears at the top (overtitle) and the bottom (caption), all of it
// inside the safe zone, and libass picked the Nanum fonts.
func TestASSBurnsInSafeZone(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatal("ffmpeg not installed")
	}
	f := fixtures(t)[0]
	s0 := f.r.Shots[0]
	mid := (s0.Start + s0.End) / 2
	for _, dim := range [][2]int{assPortrait, assLandscape} {
		dir := t.TempDir()
		p := filepath.Join(dir, "s.ass")
		if err := os.WriteFile(p, ASS(f.a, f.r, kmeme.RegisterCasual, dim[0], dim[1]), 0o644); err != nil {
			t.Fatal(err)
		}
		w, h := dim[0]/2, dim[1]/2
		out := filepath.Join(dir, "f.png")
		cmd := exec.Command("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "verbose", "-f", "lavfi",
			"-i", fmt.Sprintf("color=black:s=%dx%d:r=10:d=%.2f", w, h, mid+0.5),
			"-vf", fmt.Sprintf("subtitles=filename=%s:fontsdir=%s,select='gte(t,%.2f)'", filterPath(p), filterPath(FontDirs[0]), mid),
			"-frames:v", "1", "-update", "1", "-y", out)
		logOut, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("ffmpeg: %v\n%s", err, tail(logOut))
		}
		if !regexp.MustCompile(`fontselect: \(NanumSquare, 700`).Match(logOut) || !regexp.MustCompile(`fontselect: \(NanumGothic, 700`).Match(logOut) {
			t.Errorf("libass did not select the Nanum fonts:\n%s", grepLines(logOut, "fontselect"))
		}
		img := readPNG(t, out)
		z := safeZoneFor(w, h)
		box, topInk, bottomInk := inkBox(img, 60)
		if box.Empty() {
			t.Fatalf("%v: nothing burned", dim)
		}
		if !z.Contains(box.Min.X, box.Min.Y, box.Max.X, box.Max.Y) {
			t.Errorf("%v: ink at %v leaves the safe zone %+v", dim, box, z)
		}
		if topInk(z.Top, z.Top+h/8) < 50 || bottomInk(z.Bottom-h/6, z.Bottom) < 50 {
			t.Errorf("%v: overtitle ink %d, caption ink %d", dim, topInk(z.Top, z.Top+h/8), bottomInk(z.Bottom-h/6, z.Bottom))
		}
	}
}

// filterPath escapes a path for an ffmpeg filter option value.
func filterPath(p string) string {
	return strings.NewReplacer(`\`, `\\\\`, `'`, `\\\'`, `:`, `\\:`, `,`, `\,`, `[`, `\[`, `]`, `\]`, `;`, `\;`).Replace(p)
}

func tail(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-8):], "\n")
}

func grepLines(b []byte, s string) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func readPNG(t testing.TB, p string) image.Image {
	t.Helper()
	fh, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// inkBox is the bounding box of pixels brighter than thr, and counters of
// bright pixels in row bands.
func inkBox(img image.Image, thr uint32) (image.Rectangle, func(y0, y1 int) int, func(y0, y1 int) int) {
	b := img.Bounds()
	box := image.Rectangle{}
	rows := make([]int, b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if max(r, g, bl)>>8 > thr {
				rows[y-b.Min.Y]++
				px := image.Rect(x, y, x+1, y+1)
				if box.Empty() {
					box = px
				} else {
					box = box.Union(px)
				}
			}
		}
	}
	count := func(y0, y1 int) int {
		n := 0
		for y := max(0, y0); y < min(len(rows), y1); y++ {
			n += rows[y]
		}
		return n
	}
	return box, count, count
}

func TestSRTPerRegister(t *testing.T) {
	t.Parallel()
	for _, f := range allFixtures(t) {
		for _, reg := range registers {
			s := string(SRT(f.r, reg))
			for _, sh := range f.r.Shots {
				st, en := sh.Caption.Span(sh)
				if c := sh.Caption.Text(reg); c != "" && !strings.Contains(s, srtTime(st)+" --> "+srtTime(en)+"\n"+c+"\n") {
					t.Errorf("%s %s: cue of shot %d missing", f.name, reg, sh.N)
				}
			}
		}
	}
}
