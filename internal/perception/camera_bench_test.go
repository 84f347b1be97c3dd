package perception

import "testing"

// BenchmarkCameraPush measures the optical-flow step per sample frame: a
// 432×768 textured picture panning 6 px a sample, the size the session
// gives a vertical 1080×1920 file.
func BenchmarkCameraPush(b *testing.B) {
	const w, h = 432, 768
	big := make([]byte, (w+64)*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w+64; x++ {
			big[y*(w+64)+x] = byte((x*7 + y*13 + (x/9)*(y/11)*29) % 251)
		}
	}
	frames := make([][]byte, 8)
	for k := range frames {
		f := make([]byte, w*h)
		for y := 0; y < h; y++ {
			copy(f[y*w:(y+1)*w], big[y*(w+64)+6*k:])
		}
		frames[k] = f
	}
	c := newCameraTracker()
	defer c.close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.push(float64(i)/2, frames[i%len(frames)], w, h)
	}
}
