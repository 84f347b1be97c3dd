package progress

import (
	"bytes"
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		frac float64
		want string
	}{
		{0, "x ░░░░   0% s"},
		{0.5, "x ██░░  50% s"},
		{1.7, "x ████ 100% s"},
		{-1, "x ░░░░   0% s"},
	}
	for _, c := range cases {
		if got := Line("x", "s", c.frac, 4); got != c.want {
			t.Errorf("Line(%v) = %q, want %q", c.frac, got, c.want)
		}
	}
}

func TestBarQuietWhenNotTerminal(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	b := New(&buf, "analyze")
	b.Report("decode", 0.5)
	b.Done()
	if buf.Len() != 0 {
		t.Fatalf("bar wrote %q to a non-terminal", buf.String())
	}
}

func TestBarForcedDrawsAndEnds(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	b := New(&buf, "analyze").Force()
	b.Report("decode", 0.25)
	b.Report("beats", 1)
	b.Done()
	out := buf.String()
	if !strings.Contains(out, "25%") || !strings.Contains(out, "100% beats") || !strings.HasSuffix(out, "\n") {
		t.Fatalf("unexpected bar output %q", out)
	}
}

func TestScale(t *testing.T) {
	t.Parallel()
	var got float64
	f := Scale(func(_ string, frac float64) { got = frac }, 0.5, 1)
	f("x", 0.5)
	if got != 0.75 {
		t.Fatalf("Scale gave %v, want 0.75", got)
	}
	Scale(nil, 0, 1)("x", 1) // must not panic
}
