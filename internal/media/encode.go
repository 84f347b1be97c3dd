package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Click is one tick of a generated click track.
type Click struct {
	T      float64 // seconds from the start of the output
	FreqHz float64
}

// EncodeJob is one H.264/AAC MP4 made from generated pictures: raw RGB24
// frames written by Frames at FPS, text burned from an ASS script by
// libass, over the audio of a source file (shifted by AudioDelayS) mixed
// with a click track, or over the clicks alone when AudioPath is empty.
type EncodeJob struct {
	Width, Height, FPS int
	// NumFrames is how many frames Frames writes; the output lasts
	// NumFrames/FPS seconds.
	NumFrames int
	// Frames writes NumFrames frames of Width*Height*3 bytes to w. A write
	// error means ffmpeg stopped; return it.
	Frames func(w io.Writer) error
	// AudioPath is the source whose first audio stream is the sound, opened
	// with the same hardened input as analysis. Empty: clicks only.
	AudioPath   string
	AudioDelayS float64
	Clicks      []Click
	// SubtitlesPath is an ASS script to burn; FontsDir is where libass
	// looks for its fonts first.
	SubtitlesPath, FontsDir string
	// Out is the MP4 written (through a temporary file beside it).
	Out string
	// Progress, when set, is told the fraction of frames encoded.
	Progress func(frac float64)
}

// Encode runs t's ffmpeg for job under lim: the wall-clock bound is
// DecodeTimeout, memory and CPU are capped like every other run, stdin
// carries only our own frames (protocol pipe, rawvideo), the source is
// opened with the file-only, allowed-demuxers input, and the output is
// written to a temporary file renamed into place when ffmpeg succeeds.
// The preset is ultrafast: an animatic is a guide, not a master.
func (t Tools) Encode(ctx context.Context, lim Limits, job EncodeJob) error {
	lim = lim.WithDefaults()
	if job.Width <= 0 || job.Height <= 0 || job.Width%2 != 0 || job.Height%2 != 0 || job.FPS <= 0 || job.NumFrames <= 0 || job.Frames == nil {
		return fmt.Errorf("encode: bad job %dx%d at %d fps, %d frames", job.Width, job.Height, job.FPS, job.NumFrames)
	}
	if job.Out == "" {
		return errors.New("encode: no output path")
	}
	ctx, cancel := context.WithTimeout(ctx, lim.DecodeTimeout)
	defer cancel()
	dur := float64(job.NumFrames) / float64(job.FPS)
	durS := strconv.FormatFloat(dur, 'f', 3, 64)
	tmp := job.Out + ".part.mp4"
	args := append([]string{}, baseArgs...)
	args = append(args, "-protocol_whitelist", "pipe", "-f", "rawvideo", "-pix_fmt", "rgb24",
		"-s", fmt.Sprintf("%dx%d", job.Width, job.Height), "-framerate", strconv.Itoa(job.FPS), "-i", "pipe:0")
	var fc []string
	vf := "[0:v]"
	if job.SubtitlesPath != "" {
		sub := "subtitles=filename=" + filterValue(job.SubtitlesPath)
		if job.FontsDir != "" {
			sub += ":fontsdir=" + filterValue(job.FontsDir)
		}
		vf += sub + ","
	}
	fc = append(fc, vf+"format=yuv420p[v]")
	clicks := clickExpr(job.Clicks)
	fc = append(fc, fmt.Sprintf("aevalsrc=exprs='%s|%s':s=48000:d=%s[clk]", clicks, clicks, durS))
	if job.AudioPath != "" {
		args = append(args, hardenedInput(job.AudioPath)...)
		delay := int64(job.AudioDelayS*1000 + 0.5)
		fc = append(fc, fmt.Sprintf("[1:a:0]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,adelay=delays=%dms:all=1[src]", delay),
			fmt.Sprintf("[src][clk]amix=inputs=2:duration=longest:normalize=0,apad,atrim=end=%s[a]", durS))
	} else {
		fc = append(fc, fmt.Sprintf("[clk]apad,atrim=end=%s[a]", durS))
	}
	args = append(args, "-filter_complex", strings.Join(fc, ";"),
		"-map", "[v]", "-map", "[a]",
		"-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-pix_fmt", "yuv420p", "-g", strconv.Itoa(2*job.FPS),
		"-c:a", "aac", "-b:a", "96k", "-ar", "48000", "-ac", "2",
		"-t", durS, "-movflags", "+faststart", "-f", "mp4", "-y", "file:"+tmp)
	cmd := command(ctx, lim, t.ffmpeg(), args...)
	stderr := &capped{max: lim.MaxStderrBytes}
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("encode: start ffmpeg: %w", err)
	}
	pw := &progressWriter{w: in, frame: job.Width * job.Height * 3, total: job.NumFrames, report: job.Progress}
	ferr := job.Frames(pw)
	cerr := in.Close()
	werr := cmd.Wait()
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("encode: %w", processError(ctx, "ffmpeg", lim.DecodeTimeout, werr, stderr))
	}
	if ferr == nil {
		ferr = cerr
	}
	if ferr != nil {
		os.Remove(tmp)
		return fmt.Errorf("encode: frames: %w", ferr)
	}
	if err := os.Rename(tmp, job.Out); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("encode: %w", err)
	}
	return nil
}

// clickExpr is an aevalsrc expression: a 30 ms decaying sine at each click.
func clickExpr(clicks []Click) string {
	if len(clicks) == 0 {
		return "0"
	}
	var parts []string
	for _, c := range clicks {
		t := strconv.FormatFloat(c.T, 'f', 4, 64)
		f := strconv.FormatFloat(c.FreqHz, 'f', 1, 64)
		parts = append(parts, fmt.Sprintf("between(t\\,%s\\,%s+0.03)*sin(2*PI*%s*(t-%s))*exp(-(t-%s)*90)", t, t, f, t, t))
	}
	return "0.6*(" + strings.Join(parts, "+") + ")"
}

// filterValue escapes a path for a filter option: the characters the
// filter-graph parser and the option parser treat specially are quoted.
func filterValue(p string) string {
	return strings.NewReplacer(`\`, `\\\\`, `'`, `\\\'`, `:`, `\\:`, `,`, `\,`, `[`, `\[`, `]`, `\]`, `;`, `\;`, ` `, `\ `).Replace(p)
}

// progressWriter counts frames going to ffmpeg and reports the fraction.
type progressWriter struct {
	w      io.Writer
	frame  int
	total  int
	n      int64
	last   int
	report func(float64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.n += int64(n)
	if p.report != nil && p.frame > 0 {
		done := int(p.n / int64(p.frame))
		if done-p.last >= max(1, p.total/50) || done == p.total {
			p.last = done
			p.report(min(1, float64(done)/float64(p.total)))
		}
	}
	return n, err
}
