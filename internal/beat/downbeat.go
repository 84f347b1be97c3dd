package beat

import "math"

// Downbeats chooses the metre (3 or 4 beats per bar) and the bar phase:
// downbeats carry more bass onsets and more harmonic change than other
// beats. It returns the metre and the downbeat times.
func Downbeats(env *Envelope, beats []float64) (int, []float64) {
	if len(beats) < 6 {
		return 4, pick(beats, 4, 0)
	}
	n := len(beats)
	low := make([]float64, n)
	harm := make([]float64, n)
	frames := make([]int, n)
	for i, b := range beats {
		frames[i] = min(len(env.Values)-1, max(0, int(math.Round(b*env.Rate))))
	}
	for i, f := range frames {
		for j := max(0, f-2); j <= min(len(env.Low)-1, f+2); j++ {
			low[i] = math.Max(low[i], env.Low[j])
		}
	}
	// harmonic change: distance between the mean spectrum of the beat
	// before and the beat after
	means := make([][]float64, n+1)
	for i := 0; i <= n; i++ {
		a := 0
		if i > 0 {
			a = frames[i-1]
		}
		b := len(env.Mel)
		if i < n {
			b = frames[i]
		}
		means[i] = meanVec(env.Mel, a, b)
	}
	for i := range n {
		harm[i] = 1 - cosine(means[i], means[i+1])
	}
	z(low)
	z(harm)
	feat := make([]float64, n)
	for i := range feat {
		feat[i] = low[i] + harm[i]
	}
	bestM, bestP, bestC := 4, 0, math.Inf(-1)
	for _, m := range []int{4, 3} {
		for p := range m {
			var in, out float64
			var ni, no int
			for i, f := range feat {
				if i%m == p {
					in += f
					ni++
				} else {
					out += f
					no++
				}
			}
			if ni == 0 || no == 0 {
				continue
			}
			c := in/float64(ni) - out/float64(no)
			if m == 3 {
				c *= 0.75 // 4/4 is far more common; 3/4 must win clearly
			}
			if c > bestC {
				bestM, bestP, bestC = m, p, c
			}
		}
	}
	return bestM, pick(beats, bestM, bestP)
}

func pick(beats []float64, m, p int) []float64 {
	var out []float64
	for i := p; i < len(beats); i += m {
		out = append(out, beats[i])
	}
	return out
}

func meanVec(rows [][]float32, a, b int) []float64 {
	if len(rows) == 0 {
		return nil
	}
	a = max(0, min(a, len(rows)-1))
	b = max(a+1, min(b, len(rows)))
	out := make([]float64, len(rows[0]))
	for _, r := range rows[a:b] {
		for k, x := range r {
			out[k] += float64(x)
		}
	}
	var m float64
	for k := range out {
		out[k] /= float64(b - a)
		m += out[k]
	}
	m /= float64(len(out))
	for k := range out {
		out[k] -= m
	}
	return out
}

func cosine(a, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	if aa == 0 || bb == 0 {
		return 1
	}
	return ab / math.Sqrt(aa*bb)
}

func z(v []float64) {
	m, s := meanStd(v)
	if s == 0 {
		s = 1
	}
	for i := range v {
		v[i] = (v[i] - m) / s
	}
}
