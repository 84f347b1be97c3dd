package recipe

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

func planIn(t *testing.T, in PlanInput) *kmeme.Recipe {
	t.Helper()
	r, err := NewLocal().Plan(context.Background(), in)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return r
}

func corpusClip(t *testing.T, name string) recipetest.Clip {
	t.Helper()
	for _, c := range recipetest.Corpus() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no corpus clip %q", name)
	return recipetest.Clip{}
}

// TestFormatFromEvidence: on every corpus clip the format is the one the
// evidence points at, the same on the three platforms and under neutral
// title changes, and the platform changes only the packaging (hashtags,
// checklist): the shots are identical.
func TestFormatFromEvidence(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	for _, c := range recipetest.Corpus() {
		t.Run(c.Name, func(t *testing.T) {
			base := planIn(t, PlanInput{Analysis: c.A, Title: c.Title, Platform: kmeme.PlatformTikTok})
			checkPlan(t, c.A, base, sch)
			if c.Expect != "" && base.Concept.Format != c.Expect {
				t.Errorf("format %s, want %s (reasons %+v)", base.Concept.Format, c.Expect, base.Concept.Reasons)
			}
			if len(base.Concept.Reasons) == 0 || base.Concept.RunnerUp == nil || base.Concept.RunnerUp.Format == base.Concept.Format {
				t.Errorf("reasons %+v, runner-up %+v", base.Concept.Reasons, base.Concept.RunnerUp)
			}
			shots := mustJSON(t, base.Shots)
			for _, p := range []kmeme.Platform{kmeme.PlatformTikTok, kmeme.PlatformShorts, kmeme.PlatformReels} {
				for _, title := range []string{"", "내 첫 영상", "오늘 찍은 거"} {
					if c.Title != "" {
						title = strings.TrimSpace(c.Title + " " + title)
					}
					r := planIn(t, PlanInput{Analysis: c.A, Title: title, Platform: p})
					if r.Concept.Format != base.Concept.Format {
						t.Errorf("%s, title %q: format %s, base %s", p, title, r.Concept.Format, base.Concept.Format)
					}
					if got := mustJSON(t, r.Shots); string(got) != string(shots) {
						t.Errorf("%s, title %q: the shots changed with the platform or title", p, title)
					}
				}
			}
		})
	}
}

// TestKeywordsMoveTheFormat: a title keyword is evidence (a neutral title
// is not), in Korean and in English.
func TestKeywordsMoveTheFormat(t *testing.T) {
	t.Parallel()
	a := recipetest.Music(31, 16, 120, 4)
	for title, want := range map[string]string{"우리 집 고양이": "pet-dub", "Office boss moments": "office-relatable", "라면 레시피": "food-asmr"} {
		r := planIn(t, PlanInput{Analysis: a, Title: title})
		if r.Concept.Format != want {
			t.Errorf("title %q: format %s, want %s", title, r.Concept.Format, want)
		}
		found := false
		for _, x := range r.Concept.Reasons {
			found = found || x.Evidence.Kind == kmeme.EvidenceTitle
		}
		if !found {
			t.Errorf("title %q: no title reason in %+v", title, r.Concept.Reasons)
		}
	}
}

// TestReplanWithRunnerUp: forcing the runner-up gives that format, with
// the evidence's winner as the new runner-up.
func TestReplanWithRunnerUp(t *testing.T) {
	t.Parallel()
	c := corpusClip(t, "transition")
	r := planIn(t, PlanInput{Analysis: c.A})
	ru := r.Concept.RunnerUp.Format
	again := planIn(t, PlanInput{Analysis: c.A, Format: ru})
	if again.Concept.Format != ru || again.Concept.RunnerUp == nil || again.Concept.RunnerUp.Format != r.Concept.Format {
		t.Fatalf("re-plan with %s: format %s, runner-up %+v", ru, again.Concept.Format, again.Concept.RunnerUp)
	}
	if again.Concept.EvidenceWeak {
		t.Error("a forced format is not weak evidence")
	}
	if again.Concept.Reasons[0].Evidence.Kind != kmeme.EvidenceFormat {
		t.Errorf("forced plan does not say it was asked for: %+v", again.Concept.Reasons[0])
	}
}

// TestPlanFollowsTheSource: 3–10 shots for a 10–30 s clip, interior shot
// starts on bar lines or the source's own cuts, every shot with a role, a
// punchline and a closing call to action.
func TestPlanFollowsTheSource(t *testing.T) {
	t.Parallel()
	for _, c := range recipetest.Corpus() {
		r := planIn(t, PlanInput{Analysis: c.A, Title: c.Title})
		if c.A.DurationS >= 10 && c.A.DurationS <= 30 && (len(r.Shots) < 3 || len(r.Shots) > 10) {
			t.Errorf("%s: %d shots for %.0f s", c.Name, len(r.Shots), c.A.DurationS)
		}
		marks := 0
		for _, s := range r.Shots[1:] {
			on := false
			for _, d := range c.A.Downbeats {
				on = on || math.Abs(d-s.Start) < 0.041
			}
			for _, x := range c.A.Cuts {
				on = on || math.Abs(x.T-s.Start) < 0.6
			}
			for _, p := range c.A.Pauses {
				on = on || math.Abs((p.Start+p.End)/2-s.Start) < 0.01
			}
			if on {
				marks++
			}
		}
		if n := len(r.Shots) - 1; n > 0 && float64(marks) < 0.8*float64(n) {
			t.Errorf("%s: only %d of %d shot starts are on bar lines, source cuts or pauses", c.Name, marks, n)
		}
		roles := map[kmeme.ShotRole]int{}
		for _, s := range r.Shots {
			if s.Role == "" {
				t.Errorf("%s: shot %d has no role", c.Name, s.N)
			}
			roles[s.Role]++
		}
		if roles[kmeme.RolePunchline] == 0 || r.Shots[len(r.Shots)-1].Role != kmeme.RoleCTA {
			t.Errorf("%s: roles %v", c.Name, roles)
		}
	}
}

// TestDropCutsFasterOnlyWhereTheMusicDoes: a flat-energy track (no drop)
// keeps one pace and its notes say so; a real drop speeds the cuts and the
// notes say that only when the shots show it.
func TestDropCutsFasterOnlyWhereTheMusicDoes(t *testing.T) {
	t.Parallel()
	a := recipetest.Music(41, 24, 120, 4)
	for i := range a.Sections {
		a.Sections[i].Label, a.Sections[i].Energy = kmeme.SectionDrop, 0.8 // an old analysis: "drop" start to finish
	}
	for i := range a.Energy.Values {
		a.Energy.Values[i] = 0.8
	}
	r := planIn(t, PlanInput{Analysis: a})
	if r.Audio.DropS != nil {
		t.Errorf("flat track got a drop at %v", *r.Audio.DropS)
	}
	labels := map[kmeme.SectionLabel]bool{}
	for _, s := range r.Shots {
		labels[s.Section] = true
	}
	if len(labels) != 1 || !labels[kmeme.SectionVerse] {
		t.Errorf("flat track sections %v: want one verse (no drop, no intro or outro by position)", labels)
	}
	for _, n := range r.Audio.Notes {
		if strings.Contains(n, "빨라") {
			t.Errorf("flat track note claims faster cuts: %q", n)
		}
	}
	d := planIn(t, PlanInput{Analysis: recipetest.Music(7, 40, 120, 4), Platform: kmeme.PlatformReels})
	claims := false
	for _, n := range d.Audio.Notes {
		claims = claims || strings.Contains(n, "빨라")
	}
	if claims != dropCutsFaster(d.Shots, sections(recipetest.Music(7, 40, 120, 4), &features{speech: -1})) {
		t.Errorf("notes claim faster cuts = %v, shots say otherwise", claims)
	}
}

// TestTruthfulAudio: no music claimed for a silent or a talking clip, and
// no music adaptation either.
func TestTruthfulAudio(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"silent", "storytime", "storytime-bare", "pov"} {
		c := corpusClip(t, name)
		r := planIn(t, PlanInput{Analysis: c.A})
		if r.Audio.BPM != nil || r.Audio.DropS != nil {
			t.Errorf("%s: bpm %v drop %v", name, r.Audio.BPM, r.Audio.DropS)
		}
		for _, s := range append([]string{r.Audio.SoundKind}, r.Audio.Notes...) {
			if strings.Contains(s, "BPM") || strings.Contains(s, "비트") || strings.Contains(s, "드롭") {
				t.Errorf("%s: audio claims music: %q", name, s)
			}
		}
		for _, ad := range r.Adaptations {
			if ad.Evidence != nil && ad.Evidence.Kind == kmeme.EvidenceMusic {
				t.Errorf("%s: music adaptation %+v", name, ad)
			}
		}
		for _, s := range r.Shots {
			if s.Section == kmeme.SectionDrop || s.Section == kmeme.SectionBuild {
				t.Errorf("%s: shot %d in section %s", name, s.N, s.Section)
			}
		}
	}
	if r := planIn(t, PlanInput{Analysis: corpusClip(t, "silent").A}); !strings.Contains(r.Audio.SoundKind, "소리 없음") {
		t.Errorf("silent clip sound %q", r.Audio.SoundKind)
	}
}

// TestAdaptationsCiteEvidence: every adaptation stated as fact cites its
// evidence, on-screen text is carried over (English with its Korean
// equivalent, Korean kept), and no adaptation is boilerplate shared by
// every recipe.
func TestAdaptationsCiteEvidence(t *testing.T) {
	t.Parallel()
	count := map[string]int{}
	n := 0
	for _, c := range recipetest.Corpus() {
		r := planIn(t, PlanInput{Analysis: c.A, Title: c.Title})
		n++
		seen := map[string]bool{}
		for _, ad := range r.Adaptations {
			if err := CheckAdaptation(ad); err != nil {
				t.Errorf("%s: %v", c.Name, err)
			}
			if k := ad.Source + "→" + ad.Korean; !seen[k] {
				seen[k] = true
				count[k]++
			}
		}
	}
	for k, c := range count {
		if c == n {
			t.Errorf("adaptation %q is in every recipe", k)
		}
	}
	tr := planIn(t, PlanInput{Analysis: corpusClip(t, "transition").A})
	got := map[string]string{}
	for _, s := range tr.Shots {
		if s.SourceText != "" {
			got[s.SourceText] = s.Overtitle
		}
	}
	if got["before"] != "평소" || got["after"] != "약속 있는 날" {
		t.Errorf("carried text %v, want before→평소, after→약속 있는 날", got)
	}
	ocr := 0
	for _, ad := range tr.Adaptations {
		if ad.Evidence != nil && ad.Evidence.Kind == kmeme.EvidenceOCR && ad.Evidence.T != nil {
			ocr++
		}
	}
	if ocr < 2 {
		t.Errorf("%d OCR-evidenced adaptations, want 2: %+v", ocr, tr.Adaptations)
	}
	food := planIn(t, PlanInput{Analysis: corpusClip(t, "food").A})
	if food.Shots[0].SourceText != "재료 3개면 끝" || food.Shots[0].Overtitle != "재료 3개면 끝" {
		t.Errorf("Korean on-screen text not kept: %q / %q", food.Shots[0].SourceText, food.Shots[0].Overtitle)
	}
}

// TestKoreanWorthPosting: captions stay 1.5 s or more on screen with a
// median in 1.5–3 s, no line is said twice, both registers differ where
// the caption addresses the viewer, and the count matches the metre.
func TestKoreanWorthPosting(t *testing.T) {
	t.Parallel()
	var times []float64
	for _, c := range recipetest.Corpus() {
		r := planIn(t, PlanInput{Analysis: c.A, Title: c.Title})
		seen := map[string]bool{}
		differ := 0
		for _, s := range r.Shots {
			if s.Caption.Casual == "" {
				continue
			}
			times = append(times, s.End-s.Start)
			if seen[s.Caption.Casual] {
				t.Errorf("%s: caption %q twice", c.Name, s.Caption.Casual)
			}
			seen[s.Caption.Casual] = true
			if s.Caption.Casual != s.Caption.Polite {
				differ++
			}
		}
		if len(seen) > 0 && differ*2 < len(seen) {
			t.Errorf("%s: only %d of %d captions differ between registers", c.Name, differ, len(seen))
		}
	}
	sortF(times)
	if m := times[len(times)/2]; m < 1.5 || m > 3 {
		t.Errorf("median caption time %.2f s, want 1.5–3", m)
	}
	w := planIn(t, PlanInput{Analysis: corpusClip(t, "waltz-dance").A, Title: "우리 동네 댄스 챌린지"})
	b, _ := json.Marshal(w)
	if strings.Contains(string(b), "셋 넷") || !strings.Contains(string(b), "하나 둘 셋") {
		t.Errorf("3/4 recipe counts wrong: %s", b)
	}
}

func sortF(xs []float64) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// TestProblemsCatchBrokenText: each grounded rule, broken on purpose, is
// reported on the field that breaks it.
func TestProblemsCatchBrokenText(t *testing.T) {
	t.Parallel()
	c := corpusClip(t, "transition")
	base := planIn(t, PlanInput{Analysis: c.A})
	if ps := Problems(base); len(ps) != 0 {
		t.Fatalf("base recipe has problems: %v", ps)
	}
	for _, tc := range []struct {
		name, field string
		break_      func(r *kmeme.Recipe)
	}{
		{"English caption", "shots[1].caption.casual", func(r *kmeme.Recipe) { r.Shots[1].Caption.Casual = "so cute" }},
		{"English overtitle", "shots[0].overtitle", func(r *kmeme.Recipe) { r.Shots[0].Overtitle = "after" }},
		{"third repeat", "shots[2].overtitle", func(r *kmeme.Recipe) {
			for i := 0; i < 3; i++ {
				r.Shots[i].Overtitle = "반복"
			}
		}},
		{"caption on a flash", "shots[0].caption", func(r *kmeme.Recipe) { r.Shots[0].End = 1.0; r.Shots[1].Start = 1.0 }},
		{"fact without evidence", "adaptations[0]", func(r *kmeme.Recipe) { r.Adaptations[0].Evidence = nil }},
		{"unknown evidence kind", "adaptations[0]", func(r *kmeme.Recipe) { r.Adaptations[0].Evidence.Kind = "vibes" }},
		{"music claimed without a beat", "audio.sound_kind", func(r *kmeme.Recipe) { r.Audio.BPM = nil; r.Audio.DropS = nil }},
		{"four counts in 3/4", "shots[1]", func(r *kmeme.Recipe) { r.Audio.Meter = 3; r.Shots[1].Overtitle = "하나 둘 셋 넷" }},
		{"English in a note", "audio.notes[0]", func(r *kmeme.Recipe) { r.Audio.Notes[0] = "(no audio track)" }},
		{"repeated shot idea", "shots[2].film", func(r *kmeme.Recipe) { r.Shots[2].Film, r.Shots[2].Action = r.Shots[0].Film, r.Shots[0].Action }},
		{"particle after a 받침", "audio.notes[0]", func(r *kmeme.Recipe) { r.Audio.Notes[0] = "한 마디는 '하나 둘 셋 넷'로 셉니다." }},
		{"와 after a 받침", "checklist[0]", func(r *kmeme.Recipe) { r.Checklist[0] = "'변신 트랜지션'와 '립싱크' 중 고르세요" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r kmeme.Recipe
			if err := json.Unmarshal(mustJSON(t, base), &r); err != nil {
				t.Fatal(err)
			}
			tc.break_(&r)
			ps := Problems(&r)
			found := false
			for _, p := range ps {
				found = found || p.Field == tc.field
			}
			if !found {
				t.Fatalf("problems %v, want one on %s", ps, tc.field)
			}
			if err := CheckGrounded(&r); kmeme.ErrorCode(err) != kmeme.EINVALID {
				t.Errorf("CheckGrounded = %v", err)
			}
		})
	}
	for s, ok := range map[string]bool{"128 BPM 비트": true, "POV 상황극": true, "기대 vs 현실": true, "captions.srt 확인": true, "OK 사인": false, "냠 yummy": false, "'하나 둘'로 셉니다": true, "'하나 둘 셋'로 셉니다": false} {
		if got := CheckKoreanText(s) == nil; got != ok {
			t.Errorf("CheckKoreanText(%q) ok = %v, want %v", s, got, ok)
		}
	}
}

// TestDecodeV1: a stored version-1 recipe reads as version 2, its
// adaptations (never evidenced in v1) become suggestions, and it passes
// the v2 schema; an unknown version or broken JSON is EINVALID.
func TestDecodeV1(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "v1", "music-128bpm.recipe.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Decode(b)
	if err != nil {
		t.Fatalf("Decode v1: %v", err)
	}
	if r.Version != kmeme.RecipeVersion || r.Concept.FormatName == "" {
		t.Errorf("version %q, format name %q", r.Version, r.Concept.FormatName)
	}
	for _, ad := range r.Adaptations {
		if !ad.Suggestion {
			t.Errorf("v1 adaptation %q kept as a fact", ad.Source)
		}
	}
	if err := CheckSchema(r); err != nil {
		t.Errorf("upgraded v1 fails the v2 schema: %v", err)
	}
	for _, bad := range []string{`{"version":"9"}`, `{"version":`} {
		if _, err := Decode([]byte(bad)); kmeme.ErrorCode(err) != kmeme.EINVALID {
			t.Errorf("Decode(%s) = %v, want EINVALID", bad, err)
		}
	}
}

// goldenShape is what the golden recipes pin: the structure, not the
// wording (a line can be rewritten by hand without breaking the test).
type goldenShape struct {
	Format, RunnerUp string
	Weak             bool
	BPM              *float64
	DropS            *float64
	Shots            []string // start-end section role
	Evidence         []string // kinds of the adaptations, "suggestion" for one
	SourceTexts      int
}

func shapeOf(r *kmeme.Recipe) goldenShape {
	g := goldenShape{Format: r.Concept.Format, Weak: r.Concept.EvidenceWeak, BPM: r.Audio.BPM, DropS: r.Audio.DropS}
	if r.Concept.RunnerUp != nil {
		g.RunnerUp = r.Concept.RunnerUp.Format
	}
	for _, s := range r.Shots {
		g.Shots = append(g.Shots, strings.Join([]string{ftoa(s.Start), ftoa(s.End), string(s.Section), string(s.Role)}, " "))
		if s.SourceText != "" {
			g.SourceTexts++
		}
	}
	for _, ad := range r.Adaptations {
		if ad.Evidence != nil {
			g.Evidence = append(g.Evidence, string(ad.Evidence.Kind))
		} else {
			g.Evidence = append(g.Evidence, "suggestion")
		}
	}
	return g
}

func ftoa(x float64) string { b, _ := json.Marshal(x); return string(b) }

// goldenClips are the eight golden recipes, one per format, read through
// by a Korean speaker (testdata/golden).
var goldenClips = []string{"dance", "transition", "reaction", "pov", "lipsync", "food", "storytime", "pet"}

// TestGoldenRecipes: the planner's output has the structure of the golden
// recipes, and the golden recipes themselves keep every rule and the v2
// schema. Run go test ./internal/recipe -run Golden -update to rewrite
// them after a deliberate change, and read the diff.
func TestGoldenRecipes(t *testing.T) {
	t.Parallel()
	formats := map[string]bool{}
	for _, name := range goldenClips {
		c := corpusClip(t, name)
		got := planIn(t, PlanInput{Analysis: c.A, Title: c.Title, Platform: kmeme.PlatformTikTok})
		path := filepath.Join("testdata", "golden", name+".recipe.json")
		if *update {
			if err := os.WriteFile(path, append(mustJSON(t, got), '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/recipe -run Golden -update)", err)
		}
		want, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := Validate(want, c.A); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		for _, p := range Problems(want) {
			t.Errorf("%s: %v", path, p)
		}
		if err := CheckSchema(want); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		gs, ws := mustJSON(t, shapeOf(got)), mustJSON(t, shapeOf(want))
		if string(gs) != string(ws) {
			t.Errorf("%s: structure differs from the golden recipe\n got %s\nwant %s", name, gs, ws)
		}
		formats[want.Concept.Format] = true
	}
	if len(formats) != len(goldenClips) {
		t.Errorf("golden recipes cover %d formats, want %d", len(formats), len(goldenClips))
	}
}

// TestFramingFollowsTheSource: with a perception stage, a setup shot over
// a source shot framed bust-up gets the bank's bust-up idea first, and a
// shot whose idea is framed otherwise names the source's framing beside it.
func TestFramingFollowsTheSource(t *testing.T) {
	t.Parallel()
	c := corpusClip(t, "storytime") // every source shot: one person, bust, facing the camera
	r := planIn(t, PlanInput{Analysis: c.A})
	if r.Shots[0].Role != kmeme.RoleSetup || !strings.HasPrefix(r.Shots[0].Framing, "바스트") {
		t.Errorf("first setup shot framed %q, want the bust-up idea", r.Shots[0].Framing)
	}
	for _, s := range r.Shots {
		if !strings.HasPrefix(s.Framing, "바스트") && !strings.Contains(s.Framing, "(원본: 바스트샷)") {
			t.Errorf("shot %d framed %q without the source's bust framing beside it", s.N, s.Framing)
		}
	}
	bare := planIn(t, PlanInput{Analysis: corpusClip(t, "storytime-bare").A})
	for _, s := range bare.Shots {
		if strings.Contains(s.Framing, "원본") {
			t.Errorf("no perception, yet shot %d claims the source framing: %q", s.N, s.Framing)
		}
	}
}

// TestNoRepeatedShotIdeas: no corpus recipe films the same idea (film and
// action) twice; a role whose ideas are spent gets fewer, longer shots.
func TestNoRepeatedShotIdeas(t *testing.T) {
	t.Parallel()
	for _, c := range recipetest.Corpus() {
		r := planIn(t, PlanInput{Analysis: c.A})
		seen := map[string]int{}
		for _, s := range r.Shots {
			k := s.Film + " / " + s.Action
			if j, ok := seen[k]; ok {
				t.Errorf("%s: shot %d repeats shot %d: %s", c.Name, s.N, j, k)
			}
			seen[k] = s.N
		}
	}
	// a 20 s skit with a shot every 2.5 s: more reaction shots than ideas
	a := recipetest.Music(5, 20, 120, 4)
	r := planIn(t, PlanInput{Analysis: a, Format: "pov-skit"})
	if ps := Problems(r); len(ps) > 0 {
		t.Errorf("pov-skit on 20 s: %v", ps)
	}
}

// TestPOVKeepsTheObservedSituation: "POV: 월요일 아침" on screen becomes a
// 시점 overtitle that keeps 월요일 아침, and no bank line, hook or example
// names another 시점 in the same recipe.
func TestPOVKeepsTheObservedSituation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, want string }{
		{"POV: 월요일 아침", "월요일 아침"},
		{"pov 퇴근 5분 전", "퇴근 5분 전"},
	} {
		a := recipetest.Music(5, 20, 120, 4)
		a = recipetest.Perceive(a, []recipetest.Look{{People: 1, Framing: kmeme.FramingBust, Facing: true}},
			[]recipetest.Text{{T: 0, Text: tc.text, Lang: "ko"}})
		for _, r := range []*kmeme.Recipe{planIn(t, PlanInput{Analysis: a, Format: "pov-skit"}), planIn(t, PlanInput{Analysis: a})} {
			var pov []string
			carried := false
			for _, s := range r.Shots {
				for _, x := range []string{s.Overtitle, s.OvertitlePolite, s.Caption.Casual, s.Caption.Polite} {
					if strings.Contains(x, "시점") {
						pov = append(pov, x)
					}
				}
				carried = carried || strings.Contains(s.Overtitle, tc.want) && strings.HasPrefix(s.Overtitle, "시점:")
			}
			if !carried {
				t.Errorf("%q (%s): no 시점 overtitle keeps %q: %v", tc.text, r.Concept.Format, tc.want, pov)
			}
			for _, x := range pov {
				if !strings.Contains(x, tc.want) {
					t.Errorf("%q (%s): %q names another 시점", tc.text, r.Concept.Format, x)
				}
			}
			for _, x := range append([]string{r.Concept.Hook}, adaptationTexts(r)...) {
				if strings.Contains(x, "시점:") && !strings.Contains(x, tc.want) {
					t.Errorf("%q (%s): %q names another 시점", tc.text, r.Concept.Format, x)
				}
			}
			if ps := Problems(r); len(ps) > 0 {
				t.Errorf("problems: %v", ps)
			}
		}
	}
}

func adaptationTexts(r *kmeme.Recipe) []string {
	var out []string
	for _, ad := range r.Adaptations {
		out = append(out, ad.Korean)
	}
	return out
}

// TestLateBeatEntry: a held pad (sound, no onsets) before drums that come
// in at 7.2 s is neither "evenly loud" nor silence; the note says where the
// beat enters. With onsets from the start the old note stands.
func TestLateBeatEntry(t *testing.T) {
	t.Parallel()
	flat := func(entry, before float64) *kmeme.Analysis {
		a := recipetest.Music(41, 14.4, 120, 4)
		for i := range a.Sections {
			a.Sections[i].Label, a.Sections[i].Energy = kmeme.SectionVerse, 0.8
		}
		a.Energy.HopS = 0.25
		a.Energy.Values = make([]float64, 57)
		for i := range a.Energy.Values {
			a.Energy.Values[i] = 0.8
			if float64(i)*0.25 < entry {
				a.Energy.Values[i] = before
			}
		}
		a.Onsets = nil
		for _, b := range a.Beats {
			if b >= entry-0.01 {
				a.Onsets = append(a.Onsets, b)
			}
		}
		return a
	}
	notes := func(a *kmeme.Analysis) string {
		return strings.Join(planIn(t, PlanInput{Analysis: a}).Audio.Notes, " | ")
	}
	a := flat(7.2, 0.8)
	entry := fmt.Sprintf("%.1f초부터 들어옵니다", a.Onsets[0])
	if n := notes(a); !strings.Contains(n, entry) || !strings.Contains(n, "소리만 깔리고") || strings.Contains(n, "고르게") {
		t.Errorf("pad then drums: notes %q, want %q after sound and no evenness", n, entry)
	}
	// silence then drums: the music's arrival (a drop or the entry), never a pad
	if n := notes(flat(7.2, 0)); !strings.Contains(n, fmt.Sprintf("%.1f", a.Onsets[0])) || strings.Contains(n, "소리만") || strings.Contains(n, "고르게") {
		t.Errorf("silence then drums: notes %q, want the arrival at %.1f s without a pad", n, a.Onsets[0])
	}
	if n := notes(flat(0, 0.8)); strings.Contains(n, "들어옵니다") || !strings.Contains(n, "고르게") {
		t.Errorf("drums from the start: notes %q", n)
	}
}

// TestQuotedCaptionsAsSeen: a two-line "Nobody:\nMe:" caption is quoted on
// one line in the adaptations, and the format's reason names the English
// caption that was on screen, not its Korean rendering; a Korean "아무도 안"
// caption is named as Korean. An English "me when" caption plans (its
// reason passes the recipe's own Korean-text check).
func TestQuotedCaptionsAsSeen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, lang, reason, not string }{
		{"Nobody:\nMe:", "en", "'아무도: / 나:' 형식의 영어 자막", "아무도 안"},
		{"아무도 안 물어봄\n나:", "ko", "'아무도 안 ~ / 나:' 한국어 자막", "영어"},
		{"me when the bass drops", "en", "'~할 때의 나' 형식의 영어 자막", "아무도"},
	} {
		a := recipetest.Perceive(recipetest.Music(9, 12, 120, 4), []recipetest.Look{{People: 1, Framing: kmeme.FramingBust, Facing: true}},
			[]recipetest.Text{{T: 0.2, Text: tc.text, Lang: tc.lang}})
		r := planIn(t, PlanInput{Analysis: a, Format: "pov-skit"})
		named := false
		for _, why := range r.Concept.Reasons {
			if strings.Contains(why.Detail, tc.reason) {
				named = true
			}
			if strings.Contains(why.Detail, tc.not) {
				t.Errorf("%q: reason %q names what was not on screen", tc.text, why.Detail)
			}
		}
		if !named {
			t.Errorf("%q: no reason names %s: %+v", tc.text, tc.reason, r.Concept.Reasons)
		}
		if strings.Contains(tc.text, "Me:") {
			// the joke's two halves: "아무도 안 시킴" over the picture, "나:" under it
			if s := r.Shots[0]; s.Overtitle != "아무도 안 시킴" || s.Caption.Casual != "나:" {
				t.Errorf("%q: shot 1 overtitle %q caption %q, want 아무도 안 시킴 / 나:", tc.text, s.Overtitle, s.Caption.Casual)
			}
		}
		for _, ad := range r.Adaptations {
			if strings.Contains(ad.Source, "\n") {
				t.Errorf("%q: adaptation source %q breaks the line", tc.text, ad.Source)
			}
		}
		var srcs []string
		for _, ad := range r.Adaptations {
			srcs = append(srcs, ad.Source)
		}
		if src := strings.Join(srcs, " | "); !strings.Contains(src, "\""+oneLine(tc.text)+"\"") {
			t.Errorf("%q: adaptations do not quote %q: %s", tc.text, oneLine(tc.text), src)
		}
	}
}

// TestPatternNamesAreKorean: every on-screen text pattern's name goes into
// a format reason, which the plan checks as Korean text ("'me when ~' 자막"
// failed the plan of any clip with that caption).
func TestPatternNamesAreKorean(t *testing.T) {
	for _, p := range textPatterns {
		if err := CheckKoreanText("화면에 " + p.korean + " (0.2초)"); err != nil {
			t.Errorf("pattern %s: %v", p.id, err)
		}
	}
}

// TestKnownEnglishPhrases: a known English meme phrase on screen is carried
// as its Korean equivalent on the shot where it appears.
func TestKnownEnglishPhrases(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, want string }{
		{"When the bass drops", "드롭 들어갈 때"},
		{"Wait for it", "끝까지 봐"},
		{"Nobody:\nMe:", "아무도 안 시킴"},
	} {
		a := recipetest.Perceive(recipetest.Music(13, 12, 120, 4), []recipetest.Look{{People: 1, Framing: kmeme.FramingBust, Facing: true}},
			[]recipetest.Text{{T: 0.2, Text: tc.text, Lang: "en"}})
		r := planIn(t, PlanInput{Analysis: a})
		if got := r.Shots[0].Overtitle; got != tc.want {
			t.Errorf("%q: shot 1 overtitle %q, want %q", tc.text, got, tc.want)
		}
	}
}
