package recipe

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func plan(t *testing.T, a *kmeme.Analysis, p kmeme.Platform) *kmeme.Recipe {
	t.Helper()
	r, err := NewLocal().Plan(context.Background(), PlanInput{Analysis: a, Platform: p})
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return r
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(SchemaJSON))
	if err != nil {
		t.Fatalf("schema JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("recipe.v2.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("recipe.v2.json")
	if err != nil {
		t.Fatalf("compile schema: %v", err)
	}
	return s
}

// checkPlan asserts the rules for one plan.
func checkPlan(t *testing.T, a *kmeme.Analysis, r *kmeme.Recipe, sch *jsonschema.Schema) {
	t.Helper()
	if err := Validate(r, a); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	for _, p := range Problems(r) {
		t.Errorf("grounded rule: %v", p)
	}
	end := r.Shots[len(r.Shots)-1].End
	tol := 0.0015
	if a.HasTempo() {
		tol = 60 / *a.Tempo.BPM
	}
	if math.Abs(end-a.DurationS) > tol {
		t.Errorf("plan lasts %.3f s, source %.3f s (tolerance %.3f)", end, a.DurationS, tol)
	}
	if a.HasTempo() {
		for _, s := range r.Shots[1:] {
			d := math.Inf(1)
			for _, b := range a.Beats {
				d = math.Min(d, math.Abs(b-s.Start))
			}
			if d > 0.040 {
				t.Errorf("shot %d starts at %.3f, %.0f ms off the nearest beat", s.N, s.Start, d*1000)
			}
		}
	}
	for _, s := range r.Shots {
		for _, c := range []string{s.Caption.Casual, s.Caption.Polite} {
			if err := CheckCaption(c); err != nil {
				t.Errorf("shot %d: %v", s.N, err)
			}
		}
	}
	var v any
	if err := json.Unmarshal(mustJSON(t, r), &v); err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("recipe does not match schema/recipe.v2.json: %v", err)
	}
	if err := CheckSchema(r); err != nil {
		t.Errorf("CheckSchema: %v", err)
	}
}

func TestPlanTenVideosTenPlans(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	bpms := []float64{92, 100, 105, 110, 118, 124, 128, 135, 140, 150}
	seen := map[string]int{}
	formatsUsed := map[string]bool{}
	for i, bpm := range bpms {
		meter := 4
		if i == 3 {
			meter = 3
		}
		a := recipetest.Music(uint64(i+1), 12+float64(i)*3.7, bpm, meter)
		r := plan(t, a, kmeme.PlatformTikTok)
		checkPlan(t, a, r, sch)
		b := mustJSON(t, r)
		if j, dup := seen[string(b)]; dup {
			t.Errorf("videos %d and %d got the same plan", j, i)
		}
		seen[string(b)] = i
		formatsUsed[r.Concept.Format] = true
		// Byte-identical on a re-run.
		if again := mustJSON(t, plan(t, a, kmeme.PlatformTikTok)); !bytes.Equal(b, again) {
			t.Errorf("video %d: second run differs", i)
		}
	}
	// Bare analyses (no perception, no title) differ in tempo and cut rate
	// only, so the evidence separates fewer formats than there are videos.
	if len(formatsUsed) < 2 {
		t.Errorf("ten videos used only %d formats: %v", len(formatsUsed), formatsUsed)
	}
}

func TestPlanDropCutsFaster(t *testing.T) {
	t.Parallel()
	a := recipetest.Music(7, 40, 120, 4)
	r := plan(t, a, kmeme.PlatformReels)
	mean := map[kmeme.SectionLabel][2]float64{}
	for _, s := range r.Shots {
		m := mean[s.Section]
		mean[s.Section] = [2]float64{m[0] + s.End - s.Start, m[1] + 1}
	}
	drop, build := mean[kmeme.SectionDrop], mean[kmeme.SectionBuild]
	if drop[1] == 0 || build[1] == 0 {
		t.Fatalf("plan lacks drop or build shots: %v", mean)
	}
	if drop[0]/drop[1] >= build[0]/build[1] {
		t.Errorf("drop shots average %.2f s, build %.2f s; the drop should cut faster", drop[0]/drop[1], build[0]/build[1])
	}
	if r.Audio.DropS == nil || r.Audio.DropBar == "" {
		t.Errorf("audio plan has no drop: %+v", r.Audio)
	}
}

func TestPlanSpeechNoTempo(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	a := recipetest.Speech(3, 27)
	r := plan(t, a, kmeme.PlatformShorts)
	checkPlan(t, a, r, sch)
	if r.Audio.BPM != nil {
		t.Errorf("bpm = %v for a speech video", *r.Audio.BPM)
	}
	if len(r.Shots) < 4 {
		t.Fatalf("only %d shots for 27 s of speech", len(r.Shots))
	}
	// Every interior boundary is a pause, a source cut, or (when neither is
	// near) a fixed fallback; most must be pauses or cuts.
	onMarks := 0
	for _, s := range r.Shots[1:] {
		for _, p := range a.Pauses {
			if math.Abs((p.Start+p.End)/2-s.Start) < 0.002 {
				onMarks++
			}
		}
		for _, c := range a.Cuts {
			if math.Abs(c.T-s.Start) < 0.002 {
				onMarks++
			}
		}
	}
	if onMarks < (len(r.Shots)-1)*3/4 {
		t.Errorf("%d of %d cuts fall on pauses or shot changes", onMarks, len(r.Shots)-1)
	}
	if r.Concept.Format == "dance-challenge" || r.Concept.Format == "vlog-montage" {
		t.Errorf("speech video got beat format %s", r.Concept.Format)
	}
}

func TestPlanLengths(t *testing.T) {
	t.Parallel()
	sch := compileSchema(t)
	for _, c := range []struct {
		name string
		a    *kmeme.Analysis
	}{
		{"3 s music", recipetest.Music(11, 3, 120, 4)},
		{"3 s speech", recipetest.Speech(12, 3)},
		{"3 min music", recipetest.Music(13, 180, 128, 4)},
		{"3 min speech", recipetest.Speech(14, 180)},
		{"no sections, no shots", func() *kmeme.Analysis {
			a := recipetest.Music(15, 20, 100, 4)
			a.Sections, a.Shots, a.Cuts = nil, nil, nil
			return a
		}()},
		{"no pauses, no cuts", &kmeme.Analysis{Version: "1", DurationS: 14.2, Tempo: kmeme.Tempo{Reason: "silence"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := plan(t, c.a, kmeme.PlatformTikTok)
			checkPlan(t, c.a, r, sch)
			if len(r.Shots) > 24 {
				t.Errorf("%d shots, more than a creator can shoot", len(r.Shots))
			}
			if c.a.DurationS >= 60 && len(r.Shots) < 10 {
				t.Errorf("only %d shots for %.0f s", len(r.Shots), c.a.DurationS)
			}
		})
	}
}

func TestPlanBadInput(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		in    PlanInput
		field string
	}{
		{"nil analysis", PlanInput{}, "analysis"},
		{"zero duration", PlanInput{Analysis: &kmeme.Analysis{}}, "analysis.duration_s"},
		{"NaN duration", PlanInput{Analysis: &kmeme.Analysis{DurationS: math.NaN()}}, "analysis.duration_s"},
		{"bad platform", PlanInput{Analysis: recipetest.Speech(1, 5), Platform: "myspace"}, "platform"},
		{"unknown format", PlanInput{Analysis: recipetest.Speech(1, 5), Format: "interpretive-dance"}, "format"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewLocal().Plan(context.Background(), c.in)
			var ke *kmeme.Error
			if err == nil || kmeme.ErrorCode(err) != kmeme.EINVALID || !asErr(err, &ke) || ke.Field != c.field {
				t.Fatalf("err = %v, want EINVALID on %s", err, c.field)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewLocal().Plan(ctx, PlanInput{Analysis: recipetest.Speech(1, 5)}); err == nil {
		t.Error("cancelled context: no error")
	}
}

func TestPlanTitleAndSemantics(t *testing.T) {
	t.Parallel()
	a := recipetest.Music(21, 15, 110, 4)
	a.Semantics = &kmeme.Semantics{Format: "cat reaction", Description: "a cat stares at a cucumber", OnScreenText: []string{"when the cucumber hits"}, Engine: "gemini:test"}
	r, err := NewLocal().Plan(context.Background(), PlanInput{Analysis: a, Title: "  우리 냥이  오이 챌린지 ", Platform: kmeme.PlatformReels})
	if err != nil {
		t.Fatal(err)
	}
	if r.Concept.Title != "우리 냥이 오이 챌린지" {
		t.Errorf("title = %q", r.Concept.Title)
	}
	if r.Concept.Format != "pet-dub" && r.Concept.Format != "reaction" {
		t.Errorf("format = %s, want one matching what Gemini saw", r.Concept.Format)
	}
	if r.Provenance.Parts["semantics"] != kmeme.ProviderGemini {
		t.Errorf("provenance = %v", r.Provenance.Parts)
	}
	found := false
	for _, ad := range r.Adaptations {
		found = found || strings.Contains(ad.Source, "cucumber")
	}
	if !found {
		t.Errorf("no adaptation of the on-screen text: %+v", r.Adaptations)
	}
}

func TestValidateCatchesBrokenRecipes(t *testing.T) {
	t.Parallel()
	a := recipetest.Music(5, 20, 120, 4)
	base := plan(t, a, kmeme.PlatformTikTok)
	for _, c := range []struct {
		name   string
		break_ func(r *kmeme.Recipe)
	}{
		{"off-beat boundary", func(r *kmeme.Recipe) { r.Shots[0].End += 0.1; r.Shots[1].Start += 0.1 }},
		{"gap", func(r *kmeme.Recipe) { r.Shots[1].Start += 0.2 }},
		{"too short", func(r *kmeme.Recipe) { r.Shots = r.Shots[:len(r.Shots)-1] }},
		{"long caption", func(r *kmeme.Recipe) {
			r.Shots[0].Caption.Casual = "가나다라마바사아자차카타파하가나다"
		}},
		{"no #Shorts", func(r *kmeme.Recipe) { r.Hashtags.Shorts = []string{"#a", "#b", "#c"} }},
		{"too many tiktok tags", func(r *kmeme.Recipe) { r.Hashtags.TikTok = []string{"#a", "#b", "#c", "#d", "#e", "#f"} }},
		{"wrong version", func(r *kmeme.Recipe) { r.Version = "0" }},
		{"empty film", func(r *kmeme.Recipe) { r.Shots[0].Film = " " }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r kmeme.Recipe
			if err := json.Unmarshal(mustJSON(t, base), &r); err != nil {
				t.Fatal(err)
			}
			c.break_(&r)
			if err := Validate(&r, a); err == nil {
				t.Fatal("Validate accepted a broken recipe")
			}
		})
	}
}

func asErr(err error, target **kmeme.Error) bool {
	for err != nil {
		if e, ok := err.(*kmeme.Error); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// TestPlanSpeechDerivesPauses: with no pauses listed, the planner cuts on
// dips of the loudness curve (breaths between sentences).
func TestPlanSpeechDerivesPauses(t *testing.T) {
	t.Parallel()
	a := &kmeme.Analysis{Version: "1", DurationS: 12, Tempo: kmeme.Tempo{Reason: "speech"},
		Sections: []kmeme.Section{{Label: kmeme.SectionSpeech, Start: 0, End: 12}}}
	a.Energy.HopS = 0.25
	for i := 0; i < 48; i++ {
		v := 0.9
		if i == 11 || i == 22 || i == 33 { // dips at 2.875 s, 5.625 s, 8.375 s
			v = 0.1
		}
		a.Energy.Values = append(a.Energy.Values, v)
	}
	r := plan(t, a, kmeme.PlatformTikTok)
	var cuts []float64
	for _, s := range r.Shots[1:] {
		cuts = append(cuts, s.Start)
	}
	want := []float64{2.875, 5.625, 8.375}
	if len(cuts) != len(want) {
		t.Fatalf("cuts %v, want %v", cuts, want)
	}
	for i := range want {
		if cuts[i] != want[i] {
			t.Errorf("cut %d at %v, want %v", i, cuts[i], want[i])
		}
	}
}

func TestCheckSchemaRejects(t *testing.T) {
	t.Parallel()
	r := plan(t, recipetest.Music(8, 10, 120, 4), kmeme.PlatformTikTok)
	r.Concept.Platform = "vine"
	if err := CheckSchema(r); kmeme.ErrorCode(err) != kmeme.EINVALID {
		t.Errorf("bad platform passed the schema: %v", err)
	}
	r.Concept.Platform = kmeme.PlatformTikTok
	r.Provenance.Parts["captions"] = "gpt"
	if err := CheckSchema(r); err == nil {
		t.Error("unknown engine passed the schema")
	}
}
