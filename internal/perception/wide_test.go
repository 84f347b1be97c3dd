package perception

import "testing"

// removeWide keeps strokes thinner than its square and clears wider areas.
func TestRemoveWideKeepsStrokes(t *testing.T) {
	const w, h = 40, 30
	ink := make([]bool, w*h)
	set := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				ink[y*w+x] = true
			}
		}
	}
	set(2, 2, 6, 28)   // a stroke 4 wide
	set(6, 13, 20, 17) // a crossing stroke 4 high
	set(22, 5, 38, 25) // a 16×20 area
	removeWide(ink, w, h, 7)
	for _, p := range [][2]int{{3, 3}, {4, 27}, {10, 14}, {19, 16}} {
		if !ink[p[1]*w+p[0]] {
			t.Errorf("stroke pixel %v removed", p)
		}
	}
	for _, p := range [][2]int{{22, 5}, {30, 15}, {37, 24}} {
		if ink[p[1]*w+p[0]] {
			t.Errorf("area pixel %v kept", p)
		}
	}
}
