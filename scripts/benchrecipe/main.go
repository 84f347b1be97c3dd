// Command benchrecipe is `make bench-recipe`: it runs the local planner on
// the planner corpus (internal/recipe/recipetest.Corpus: synthetic analyses
// shaped like every format the planner knows, with and without a
// perception stage, a silent clip and talk without perception) and prints,
// per clip and in total, the figures issue 12 asks for: format stability
// across the three platforms and neutral title changes, shots and mean
// shot length, share of shot starts on bar lines, distinct-caption ratio,
// longest repeat, caption on-screen time, adaptations with evidence, and
// the grounded rules (recipe.Problems) and typesetting (recipe.Validate).
// -dump prints every recipe as a creator reads it.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/recipe"
	"github.com/kmeme-factory/kmeme/internal/recipe/recipetest"
)

func main() {
	dump := flag.Bool("dump", false, "print every recipe (TikTok, no title) as a creator reads it")
	only := flag.String("clip", "", "only this clip")
	flag.Parse()
	if err := run(*dump, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench-recipe:", err)
		os.Exit(1)
	}
}

var neutralTitles = []string{"", "내 첫 영상", "오늘 찍은 거"}
var platforms = []kmeme.Platform{kmeme.PlatformTikTok, kmeme.PlatformShorts, kmeme.PlatformReels}

type totals struct {
	clips, stable, expectOK, expectN         int
	shots                                    int
	shotLen, onBar, starts                   float64
	captions, distinct, ads, adsEv, problems int
	capTimes                                 []float64
	longest                                  int
	filmRepeat                               int
	invalid                                  int
	weak                                     int
}

func run(dump bool, only string) error {
	ctx := context.Background()
	pl := recipe.NewLocal()
	var t totals
	fmt.Printf("%-15s %-20s %-6s %-6s %5s %6s %6s %7s %6s %8s %7s %7s %5s %s\n",
		"clip", "format", "stable", "expect", "shots", "mean_s", "on_bar", "distinct", "repeat", "film_rep", "cap_med", "ad_evid", "rules", "runner-up (weak?)")
	for _, c := range recipetest.Corpus() {
		if only != "" && c.Name != only {
			continue
		}
		formats := map[string]bool{}
		var base *kmeme.Recipe
		for _, p := range platforms {
			for _, ti := range append(neutralTitles, c.Title) {
				title := ti
				if c.Title != "" && ti != c.Title {
					title = c.Title + " " + ti // a neutral change of the creator's title
				}
				r, err := pl.Plan(ctx, kmeme.PlanInput{Analysis: c.A, Title: strings.TrimSpace(title), Platform: p})
				if err != nil {
					return fmt.Errorf("%s/%s: %w", c.Name, p, err)
				}
				formats[r.Concept.Format] = true
				if p == kmeme.PlatformTikTok && base == nil && (ti == c.Title) {
					base = r
				}
			}
		}
		r := base
		t.clips++
		stable := len(formats) == 1
		if stable {
			t.stable++
		}
		exp := "-"
		if c.Expect != "" {
			t.expectN++
			exp = "no"
			if r.Concept.Format == c.Expect {
				exp = "yes"
				t.expectOK++
			}
		}
		m := measure(c.A, r)
		t.shots += len(r.Shots)
		t.shotLen += c.A.DurationS
		t.onBar += m.onBar
		t.starts += m.starts
		t.captions += m.captions
		t.distinct += m.distinct
		t.longest = max(t.longest, m.longest)
		t.filmRepeat = max(t.filmRepeat, m.filmRepeat)
		t.capTimes = append(t.capTimes, m.capTimes...)
		t.ads += m.ads
		t.adsEv += m.adsEv
		t.problems += m.problems
		if err := recipe.Validate(r, c.A); err != nil {
			t.invalid++
			m.problems++
		}
		bar := "-"
		if m.starts > 0 && c.A.HasTempo() {
			bar = fmt.Sprintf("%.0f%%", 100*m.onBar/m.starts)
		}
		weak := ""
		if r.Concept.EvidenceWeak {
			weak = " (weak)"
			t.weak++
		}
		fmt.Printf("%-15s %-20s %-6s %-6s %5d %6.2f %6s %7.2f %6d %8d %7.2f %6.0f%% %5d %s%s\n",
			c.Name, r.Concept.Format, yes(stable), exp, len(r.Shots), c.A.DurationS/float64(len(r.Shots)), bar,
			ratio(m.distinct, m.captions), m.longest, m.filmRepeat, median(m.capTimes), 100*ratio(m.adsEv, m.ads), m.problems,
			r.Concept.RunnerUp.Format, weak)
		if dump {
			printRecipe(c, r)
		}
	}
	fmt.Println()
	fmt.Printf("clips %d · format stable over 3 platforms × neutral titles: %d/%d (%.0f%%) · expected format: %d/%d · weak evidence: %d\n",
		t.clips, t.stable, t.clips, 100*ratio(t.stable, t.clips), t.expectOK, t.expectN, t.weak)
	fmt.Printf("shots %d (mean %.1f per clip), mean shot %.2f s · shot starts on bar lines (tempo clips): %.0f%%\n",
		t.shots, float64(t.shots)/float64(t.clips), t.shotLen/float64(t.shots), 100*t.onBar/math.Max(1, t.starts))
	fmt.Printf("captions %d, distinct-caption ratio %.2f (target ≥ 0.90) · longest repeat %d (max 2) · longest film repeat %d (max 1) · caption on screen median %.2f s (target 1.5–3), p10 %.2f s, p90 %.2f s\n",
		t.captions, ratio(t.distinct, t.captions), t.longest, t.filmRepeat, median(t.capTimes), quantile(t.capTimes, 0.1), quantile(t.capTimes, 0.9))
	fmt.Printf("adaptations %d stated as fact, with evidence %d (%.0f%%) · grounded-rule problems %d · failed Validate %d\n",
		t.ads, t.adsEv, 100*ratio(t.adsEv, t.ads), t.problems, t.invalid)
	return nil
}

type figures struct {
	onBar, starts               float64
	captions, distinct, longest int
	filmRepeat                  int // how often the most filmed direction (film) is planned
	capTimes                    []float64
	ads, adsEv, problems        int
}

func measure(a *kmeme.Analysis, r *kmeme.Recipe) figures {
	var m figures
	seen := map[string]int{}
	for i, s := range r.Shots {
		if i > 0 && a.HasTempo() {
			m.starts++
			for _, d := range a.Downbeats {
				if math.Abs(d-s.Start) <= 0.04 {
					m.onBar++
					break
				}
			}
		}
		if s.Caption.Casual != "" {
			m.captions++
			st, en := s.Caption.Span(s) // the caption's own time on screen
			m.capTimes = append(m.capTimes, en-st)
			if seen["c"+s.Caption.Casual] == 0 {
				m.distinct++
			}
			seen["c"+s.Caption.Casual]++
		}
		if s.Overtitle != "" {
			seen["o"+s.Overtitle]++
		}
	}
	for _, n := range seen {
		m.longest = max(m.longest, n)
	}
	films := map[string]int{}
	for _, s := range r.Shots {
		films[s.Film]++
		m.filmRepeat = max(m.filmRepeat, films[s.Film])
	}
	for _, ad := range r.Adaptations {
		if ad.Suggestion {
			continue
		}
		m.ads++
		if ad.Evidence != nil && ad.Evidence.Detail != "" {
			m.adsEv++
		}
	}
	m.problems = len(recipe.Problems(r))
	return m
}

func printRecipe(c recipetest.Clip, r *kmeme.Recipe) {
	fmt.Printf("\n=== %s: %s (%s) · %s · %.1f s\n", c.Name, r.Concept.FormatName, r.Concept.Format, r.Concept.Title, r.Concept.DurationS)
	fmt.Printf("    훅: %s\n    왜 웃긴가: %s\n", r.Concept.Hook, r.Concept.Mechanism)
	for _, x := range r.Concept.Reasons {
		fmt.Printf("    근거 %+.2f %s  [%s: %s]\n", x.Weight, x.Detail, x.Evidence.Kind, x.Evidence.Detail)
	}
	if ru := r.Concept.RunnerUp; ru != nil {
		fmt.Printf("    차선: %s (%.2f) weak=%v\n", ru.Name, ru.Score, r.Concept.EvidenceWeak)
	}
	fmt.Printf("    소리: %s / %s\n", r.Audio.SoundKind, r.Audio.Mood)
	for _, n := range r.Audio.Notes {
		fmt.Printf("      · %s\n", n)
	}
	for _, s := range r.Shots {
		fmt.Printf("    %2d %5.2f–%5.2f %-5s %-8s %-9s | %s | %s | %s\n", s.N, s.Start, s.End, s.StartBeat, s.Section, s.Role, s.Film, s.Framing, s.Action)
		fmt.Printf("       예능: %q / %q  자막: %q / %q", s.Overtitle, s.OvertitlePolite, strings.ReplaceAll(s.Caption.Casual, "\n", "⏎"), strings.ReplaceAll(s.Caption.Polite, "\n", "⏎"))
		if s.SourceText != "" {
			fmt.Printf("  원본: %q", s.SourceText)
		}
		fmt.Println()
	}
	for _, ad := range r.Adaptations {
		ev := "제안"
		if ad.Evidence != nil {
			ev = string(ad.Evidence.Kind) + ": " + ad.Evidence.Detail
			if ad.Evidence.T != nil {
				ev += fmt.Sprintf(" @%.1fs", *ad.Evidence.T)
			}
		}
		fmt.Printf("    각색: %s → %s (%s) [%s]\n", ad.Source, ad.Korean, ad.Reason, ev)
	}
	fmt.Printf("    태그: %v | %v | %v\n", r.Hashtags.TikTok, r.Hashtags.Shorts, r.Hashtags.Reels)
	for _, p := range recipe.Problems(r) {
		fmt.Printf("    PROBLEM %s\n", p.Error())
	}
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func median(xs []float64) float64 { return quantile(xs, 0.5) }

func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[int(math.Round(q*float64(len(s)-1)))]
}
