package main

// Video for a generated item: the shot plan and the ffmpeg graph that renders it.

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// shotPlan is one shot's picture and motion.
type shotPlan struct {
	photo      string
	start, end float64 // including transition overlaps
	motion     string  // static, pan, fastpan, zoom
	x0, y0     float64 // crop origin as a fraction of the free space
}

// video builds the picture track from photos and muxes it with the audio.
func video(ctx context.Context, cfg genConfig, it itemPlan, tr *Truth, photos []string, raw string, rng *rand.Rand) error {
	fps := it.fps
	frame := func(t float64) float64 { return math.Round(t*fps) / fps }
	// boundaries and their transitions
	type boundary struct {
		t, half   float64
		kind, via string
	}
	var bounds []boundary
	t := 0.0
	for {
		t += 1.2 + 2.3*rng.Float64()
		if t > it.dur-1.2 {
			break
		}
		b := boundary{kind: "cut"}
		switch r := rng.Float64(); {
		case r < 0.15:
			b.kind = "dissolve"
		case r < 0.25:
			b.kind = "fade"
		case r < 0.38:
			b.kind = "wipe"
		}
		if b.kind == "cut" && len(tr.Beats) > 0 && rng.Float64() < 0.5 {
			// on the beat: the nearest beat
			i := sort.SearchFloat64s(tr.Beats, t)
			if i < len(tr.Beats) {
				t = tr.Beats[i]
			}
		}
		b.t = frame(t)
		if b.kind != "cut" {
			// 0.3–1.5 s transitions: short ones are nearly cuts, long ones
			// outlast the detector's 1 s window
			b.half = frame(0.15 + 0.6*rng.Float64())
			if b.kind == "fade" {
				b.via = "black"
				if rng.Intn(3) == 0 {
					b.via = "white" // bright frames that are no flash
				}
			}
			if b.half < 2/fps {
				b.half = 2 / fps
			}
		}
		if n := len(bounds); n > 0 && b.t-b.half < bounds[n-1].t+bounds[n-1].half+0.8 {
			continue
		}
		if b.t+b.half > it.dur-0.8 {
			break
		}
		bounds = append(bounds, b)
		t = b.t + b.half
	}
	var shots []shotPlan
	prev := ""
	for i := 0; i <= len(bounds); i++ {
		s := shotPlan{start: 0, end: it.dur}
		if i > 0 {
			s.start = bounds[i-1].t - bounds[i-1].half
		}
		if i < len(bounds) {
			s.end = bounds[i].t + bounds[i].half
		}
		// sometimes the next shot is another crop of the same photo
		if prev != "" && rng.Float64() < 0.2 {
			s.photo = prev
			s.x0, s.y0 = math.Mod(shots[i-1].x0+0.5, 1), math.Mod(shots[i-1].y0+0.5, 1)
		} else {
			for s.photo = photos[rng.Intn(len(photos))]; s.photo == prev; s.photo = photos[rng.Intn(len(photos))] {
			}
			s.x0, s.y0 = rng.Float64(), rng.Float64()
		}
		s.motion = []string{"static", "pan", "pan", "fastpan", "zoom"}[rng.Intn(5)]
		prev = s.photo
		shots = append(shots, s)
	}
	for _, b := range bounds {
		tc := TruthCut{T: b.t, Start: b.t, End: b.t, Kind: b.kind, Via: b.via}
		if b.kind != "cut" {
			tc.Start, tc.End = round3(b.t-b.half), round3(b.t+b.half)
		}
		tc.T = round3(tc.T)
		tr.Cuts = append(tr.Cuts, tc)
	}
	// distractors inside shots, away from transitions
	free := func(a float64) bool {
		for _, b := range bounds {
			if math.Abs(a-b.t) < b.half+0.6 {
				return false
			}
		}
		return a > 0.5 && a < it.dur-0.8
	}
	var effects []string
	for k := 0; k < 2; k++ {
		a := frame(rng.Float64() * it.dur)
		if !free(a) {
			continue
		}
		nf := 1 + rng.Intn(3)
		effects = append(effects, fmt.Sprintf("drawbox=x=0:y=0:w=iw:h=ih:color=white@0.%d:t=fill:enable='between(t,%.4f,%.4f)'", 75+rng.Intn(20), a-0.001, a+float64(nf)/fps-0.01))
		tr.Flashes = append(tr.Flashes, round3(a))
	}
	font := "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf"
	for k := 0; k < 2; k++ {
		a := frame(rng.Float64() * it.dur)
		e := frame(a + 1 + rng.Float64())
		if !free(a) || !free(e) {
			continue
		}
		effects = append(effects, fmt.Sprintf("drawtext=fontfile=%s:text='%s':fontcolor=white:fontsize=h/14:box=1:boxcolor=black@0.5:boxborderw=12:x=(w-tw)/2:y=h*0.7:enable='between(t,%.4f,%.4f)'",
			font, captions[rng.Intn(len(captions))], a, e))
		tr.Captions = append(tr.Captions, round3(a), round3(e))
	}
	sort.Float64s(tr.Flashes)
	sort.Float64s(tr.Captions)

	// inputs: one looped, pre-scaled photo per shot, then the audio
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"}
	var fc []string
	W, H := it.w, it.h
	for i, s := range shots {
		scaled, err := prescale(ctx, s.photo, W, H)
		if err != nil {
			return err
		}
		d := s.end - s.start
		args = append(args, "-loop", "1", "-framerate", fmt.Sprint(fps), "-t", inputDuration(int(math.Round(d*fps)), fps), "-i", scaled)
		// the prescaled photo is 1.4× the frame in both directions
		fw, fh := float64(W)*0.4, float64(H)*0.4
		x0, y0 := s.x0*fw, s.y0*fh
		var f string
		switch s.motion {
		case "static":
			f = fmt.Sprintf("crop=%d:%d:%.0f:%.0f", W, H, x0, y0)
		case "pan", "fastpan":
			speed := 0.15 * fw // pixels per second
			if s.motion == "fastpan" {
				speed = 0.6 * fw
			}
			dir := 1.0
			if x0 > fw/2 {
				dir = -1
			}
			f = fmt.Sprintf("crop=%d:%d:x='max(0,min(%.0f,%.1f+%.2f*t))':y=%.0f", W, H, fw, x0, dir*speed, y0)
		case "zoom":
			f = fmt.Sprintf("scale=w='trunc(%d*(1.4-0.3*t/%.3f)/2)*2':h=-2:eval=frame,crop=%d:%d", W, d, W, H)
		}
		fc = append(fc, fmt.Sprintf("[%d:v]%s,setsar=1,fps=%g,format=yuv420p,settb=AVTB[s%d]", i, f, fps, i))
	}
	acc := "s0"
	for i, b := range bounds {
		next := fmt.Sprintf("s%d", i+1)
		out := fmt.Sprintf("j%d", i)
		switch b.kind {
		case "cut":
			fc = append(fc, fmt.Sprintf("[%s][%s]concat=n=2:v=1:a=0[%s]", acc, next, out))
		default:
			tname := map[string]string{"dissolve": "fade", "fade": "fadeblack"}[b.kind]
			if b.via == "white" {
				tname = "fadewhite"
			}
			if b.kind == "wipe" {
				tname = []string{"wipeleft", "wiperight", "wipeup", "wipedown", "slideleft", "smoothleft"}[rng.Intn(6)]
			}
			fc = append(fc, fmt.Sprintf("[%s][%s]xfade=transition=%s:duration=%.6f:offset=%.6f[%s]", acc, next, tname, 2*b.half-0.25/fps, b.t-b.half-0.25/fps, out))
		}
		acc = out
	}
	chain := "null"
	if len(effects) > 0 {
		chain = strings.Join(effects, ",")
	}
	fc = append(fc, fmt.Sprintf("[%s]%s,trim=duration=%.4f[vout]", acc, chain, it.dur))
	args = append(args, "-f", "f32le", "-ar", fmt.Sprint(audioRate), "-ac", "1", "-i", raw)
	args = append(args, "-filter_complex", strings.Join(fc, ";"), "-map", "[vout]", "-map", fmt.Sprintf("%d:a", len(shots)),
		"-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-r", fmt.Sprint(fps),
		"-c:a", "aac", "-b:a", "128k", "-t", fmt.Sprintf("%.4f", it.dur), "-movflags", "+faststart",
		filepath.Join(cfg.out, tr.File))
	cmd := exec.CommandContext(ctx, "ffmpeg", args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("ffmpeg: %v: %s", err, tail(string(b), 800))
	}
	os.Remove(raw)
	return nil
}

// inputDuration is the -t that makes a looped image input exactly n frames
// long. ffmpeg parses -t to whole microseconds and rescales it to the
// input's 1/fps time base rounding to nearest, then keeps the frames before
// it. Half a frame short (the old value) sits on that rounding edge: at 24,
// 30 and 60 fps the six printed decimals often land just under n-0.5, the
// shot loses a frame and every later transition in the item starts a frame
// earlier than its truth. A quarter frame short rounds to n at any rate.
func inputDuration(n int, fps float64) string {
	return fmt.Sprintf("%.6f", (float64(n)-0.25)/fps)
}

// prescale writes a copy of photo scaled to cover 1.4× the frame, cached.
func prescale(ctx context.Context, photo string, w, h int) (string, error) {
	dir := filepath.Join(os.TempDir(), "kmeme-bench-photos")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	out := filepath.Join(dir, fmt.Sprintf("%s-%dx%d.jpg", strings.TrimSuffix(filepath.Base(photo), filepath.Ext(photo)), w, h))
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	W, H := int(float64(w)*1.4)/2*2, int(float64(h)*1.4)/2*2
	vf := fmt.Sprintf("scale=%d:%d:force_original_aspect_ratio=increase,crop=%d:%d", W, H, W, H)
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", photo, "-vf", vf, "-q:v", "2", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("prescale %s: %v: %s", photo, err, b)
	}
	return out, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
