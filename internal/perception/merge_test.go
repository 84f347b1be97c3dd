package perception

import (
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// One caption shown throughout, missed while the picture behind it was a
// close-up, read twice with different spacing: both spans stay, both say
// the surer reading. A different caption at the same place keeps its own.
func TestMergeTextsUnifiesRereadCaption(t *testing.T) {
	top := kmeme.Box{X: 0.2, Y: 0.14, W: 0.6, H: 0.05}
	in := []kmeme.ScreenText{
		{Text: "엄마한테걸 렸을 때", Start: 0, End: 3.75, Box: top, Confidence: 0.833, Lang: "ko"},
		{Text: "엄마한테 걸렸을 때", Start: 7.75, End: 11.75, Box: top, Confidence: 0.951, Lang: "ko"},
		{Text: "아빠한테도 걸림", Start: 13, End: 15, Box: top, Confidence: 0.9, Lang: "ko"},
	}
	out := mergeTexts(in)
	if len(out) != 3 {
		t.Fatalf("got %d texts, want 3 (spans stay as observed): %+v", len(out), out)
	}
	for _, i := range []int{0, 1} {
		if out[i].Text != "엄마한테 걸렸을 때" || out[i].Confidence != 0.951 {
			t.Errorf("text %d = %q (%.3f), want the surer reading", i, out[i].Text, out[i].Confidence)
		}
	}
	if out[0].Start != 0 || out[0].End != 3.75 || out[1].Start != 7.75 {
		t.Errorf("spans moved: %+v", out[:2])
	}
	if out[2].Text != "아빠한테도 걸림" {
		t.Errorf("a different caption took another's reading: %q", out[2].Text)
	}
}
