package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/analysis"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

// TestRemixBarLabelsFollowDownbeats: the bar.beat labels of `kmeme remix`
// (recipe.json shots, the drop, recipe.md) count the analysis downbeats,
// not beats modulo the meter. The analysis here has a one-beat pickup and
// a two-beat bar after bar 2, so a label computed from the first downbeat
// and the meter is a bar off from bar 3 on (issue 10: the drop at
// "0.2마디", every label one beat off).
func TestRemixBarLabelsFollowDownbeats(t *testing.T) {
	t.Parallel()
	a := recipetest.Music(9, 14, 120, 4)
	// downbeats: beat 1 (a pickup before it), beat 5, then a 2-beat bar: 7, 11, 15, …
	a.Downbeats = []float64{a.Beats[1], a.Beats[5]}
	for i := 7; i < len(a.Beats); i += 4 {
		a.Downbeats = append(a.Downbeats, a.Beats[i])
	}
	want := func(t0 float64) string { // bar.beat of the beat nearest t0, from the downbeats alone
		bi := 0
		for i, b := range a.Beats {
			if math.Abs(b-t0) < math.Abs(a.Beats[bi]-t0) {
				bi = i
			}
		}
		k := sort.SearchFloat64s(a.Downbeats, a.Beats[bi]+1e-9) - 1
		if k < 0 {
			return "0." + strconv.Itoa(4-(1-bi)+1)
		}
		di := 0
		for i, b := range a.Beats {
			if b == a.Downbeats[k] {
				di = i
			}
		}
		return strconv.Itoa(k+1) + "." + strconv.Itoa(bi-di+1)
	}
	dir := t.TempDir()
	video := filepath.Join(dir, "in.mp4")
	if err := os.WriteFile(video, []byte("stub"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	deps := remixDeps{analyze: func(context.Context, string, analysis.Options) (*kmeme.Analysis, error) { return a, nil }}
	e, _, _ := testEnv(map[string]string{"XDG_CACHE_HOME": filepath.Join(dir, "cache")})
	if err := runRemix(context.Background(), e, []string{video, "--out", out, "--no-ai"}, deps); err != nil {
		t.Fatal(err)
	}
	var r kmeme.Recipe
	b, err := os.ReadFile(filepath.Join(out, "recipe.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(filepath.Join(out, "recipe.md"))
	late := 0
	for _, s := range r.Shots {
		if s.StartBeat == "" {
			t.Fatalf("shot %d has no bar label", s.N)
		}
		if w := want(s.Start); s.StartBeat != w {
			t.Errorf("shot %d at %.3f s: start label %q, downbeats say %q", s.N, s.Start, s.StartBeat, w)
		}
		if w := want(s.End); s.EndBeat != w {
			t.Errorf("shot %d ending %.3f s: end label %q, downbeats say %q", s.N, s.End, s.EndBeat, w)
		}
		if !strings.Contains(string(md), s.StartBeat) {
			t.Errorf("recipe.md does not show shot %d's label %s", s.N, s.StartBeat)
		}
		if s.Start > a.Downbeats[2] {
			late++
		}
	}
	if late == 0 {
		t.Fatal("no shot after the short bar: the test would not tell the labels apart")
	}
	if r.Audio.DropS != nil {
		if w := want(*r.Audio.DropS); r.Audio.DropBar != w {
			t.Errorf("drop at %.3f s: bar %q, downbeats say %q", *r.Audio.DropS, r.Audio.DropBar, w)
		}
	}
}
