package media

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// baseArgs start every ffmpeg run: no stdin, quiet, errors only.
var baseArgs = []string{"-nostdin", "-hide_banner", "-loglevel", "error"}

// DecodeAudio decodes the first audio stream to mono float32 PCM at
// sampleRate. It returns nil, nil when the file has no audio.
func DecodeAudio(ctx context.Context, info *Info, lim Limits, sampleRate int) ([]float32, error) {
	if info.Audio == nil {
		return nil, nil
	}
	lim = lim.WithDefaults()
	if sampleRate <= 0 {
		return nil, fmt.Errorf("decode audio: sample rate %d", sampleRate)
	}
	ctx, cancel := context.WithTimeout(ctx, lim.DecodeTimeout)
	defer cancel()
	args := append([]string{}, baseArgs...)
	args = append(args, hardenedInput(info.Path)...)
	args = append(args, "-map", "0:a:0", "-vn", "-sn", "-dn",
		"-t", strconv.FormatFloat(lim.MaxDurationS, 'f', 3, 64),
		"-ac", "1", "-ar", strconv.Itoa(sampleRate), "-f", "f32le", "pipe:1")
	cmd := command(ctx, lim, info.tools.ffmpeg(), args...)
	stderr := &capped{max: lim.MaxStderrBytes}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("decode audio: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("decode audio: start ffmpeg: %w", err)
	}
	maxSamples := int((math.Min(info.DurationS, lim.MaxDurationS) + 2) * float64(sampleRate))
	samples := make([]float32, 0, maxSamples)
	buf := make([]byte, 1<<16)
	var rest []byte
	var readErr error
	for {
		n, err := out.Read(buf)
		chunk := append(rest, buf[:n]...)
		k := len(chunk) / 4 * 4
		for i := 0; i < k; i += 4 {
			samples = append(samples, math.Float32frombits(binary.LittleEndian.Uint32(chunk[i:])))
		}
		rest = append(rest[:0], chunk[k:]...)
		if len(samples) > maxSamples {
			readErr = fmt.Errorf("decode audio: more samples than the %.0f s duration allows", info.DurationS)
			cancel()
			break
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
	}
	_, _ = io.Copy(io.Discard, out)
	werr := cmd.Wait()
	if readErr != nil {
		return nil, readErr
	}
	if werr != nil {
		return nil, fmt.Errorf("decode audio: %w", processError(ctx, "ffmpeg", lim.DecodeTimeout, werr, stderr))
	}
	for i, s := range samples {
		if s != s || s > 1e6 || s < -1e6 { // NaN or absurd: a broken decoder
			samples[i] = 0
		}
	}
	return samples, nil
}

// FrameOptions choose how small the decoded frames are.
type FrameOptions struct {
	// Width and Height of the RGB frames. Default 64x64 (aspect is not kept:
	// detection does not need it).
	Width, Height int
	// FPS resamples to a constant rate (variable-frame-rate files become
	// regular). Default: the stream's rate, capped at 60.
	FPS float64
	// Fast skips the in-loop deblocking filter while decoding: frames are a
	// little blockier, decoding is cheaper, and tiny frames do not notice.
	Fast bool
	// Gray decodes luma only (1 byte a pixel): the chroma planes are never
	// scaled or converted.
	Gray bool
}

// Frame is one decoded picture: packed RGB24 (Width*Height*3 bytes) or,
// with FrameOptions.Gray, 8-bit luma (Width*Height bytes). Pix is reused
// after the callback returns; copy it to keep it.
type Frame struct {
	Index         int
	T             float64
	FPS           float64 // the stream's constant rate (FrameOptions.FPS after defaults)
	Width, Height int
	Pix           []byte
}

// withDefaults fills the zero fields of o for the file's video stream: 64×64
// at the stream's rate (at most 60, 30 when the rate is unknown).
func (o FrameOptions) withDefaults(info *Info) FrameOptions {
	if o.Width <= 0 {
		o.Width = 64
	}
	if o.Height <= 0 {
		o.Height = 64
	}
	if o.FPS <= 0 {
		o.FPS = math.Min(info.Video.FPS, 60)
	}
	if o.FPS <= 0 || math.IsNaN(o.FPS) {
		o.FPS = 30
	}
	return o
}

// frameInputArgs opens the file hardened, with the decoder shortcuts of
// FrameOptions.Fast, for a frame-decoding run.
func frameInputArgs(info *Info, opt FrameOptions) []string {
	args := append([]string{}, baseArgs...)
	if opt.Fast {
		args = append(args, "-skip_loop_filter", "all", "-flags2", "fast")
	}
	return append(args, hardenedInput(info.Path)...)
}

// DecodeFrames streams the first video stream as small RGB frames at a
// constant rate, calling fn for each. Rotation is applied. Memory does not
// grow with duration. It returns the frame rate used.
func DecodeFrames(ctx context.Context, info *Info, lim Limits, opt FrameOptions, fn func(Frame) error) (float64, error) {
	if info.Video == nil {
		return 0, errors.New("decode frames: no video stream")
	}
	lim = lim.WithDefaults()
	opt = opt.withDefaults(info)
	ctx, cancel := context.WithTimeout(ctx, lim.DecodeTimeout)
	defer cancel()
	args := frameInputArgs(info, opt)
	rate := strconv.FormatFloat(opt.FPS, 'f', 6, 64)
	pixFmt, bpp := "rgb24", 3
	if opt.Gray {
		pixFmt, bpp = "gray", 1
	}
	// two-stage reduction: a cheap bilinear pass to 4× the target, then an
	// area average; one area pass from 1080p costs a quarter of the decode
	vf := fmt.Sprintf("scale=%d:%d:flags=fast_bilinear,scale=%d:%d:flags=area,fps=%s,format=%s",
		4*opt.Width, 4*opt.Height, opt.Width, opt.Height, rate, pixFmt)
	// one filter thread (see DecodeFramesWithSamples)
	args = append(args, "-map", "0:v:0", "-an", "-sn", "-dn",
		"-t", strconv.FormatFloat(lim.MaxDurationS, 'f', 3, 64),
		"-filter_threads", "1", "-vf", vf, "-f", "rawvideo", "pipe:1")
	cmd := command(ctx, lim, info.tools.ffmpeg(), args...)
	stderr := &capped{max: lim.MaxStderrBytes}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, fmt.Errorf("decode frames: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("decode frames: start ffmpeg: %w", err)
	}
	size := opt.Width * opt.Height * bpp
	buf := make([]byte, size)
	maxFrames := int((math.Min(info.DurationS, lim.MaxDurationS)+2)*opt.FPS) + 10
	var loopErr error
	for i := 0; ; i++ {
		if _, err := io.ReadFull(out, buf); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				loopErr = fmt.Errorf("decode frames: read: %w", err)
			}
			break
		}
		if i >= maxFrames {
			loopErr = fmt.Errorf("decode frames: more frames than the %.0f s duration allows", info.DurationS)
			break
		}
		if err := fn(Frame{Index: i, T: float64(i) / opt.FPS, FPS: opt.FPS, Width: opt.Width, Height: opt.Height, Pix: buf}); err != nil {
			loopErr = err
			break
		}
	}
	if loopErr != nil {
		cancel()
	}
	_, _ = io.Copy(io.Discard, out)
	werr := cmd.Wait()
	if loopErr != nil {
		return opt.FPS, loopErr
	}
	if werr != nil {
		return opt.FPS, fmt.Errorf("decode frames: %w", processError(ctx, "ffmpeg", lim.DecodeTimeout, werr, stderr))
	}
	return opt.FPS, nil
}

// WriteKeyframe writes the frame at t seconds as a JPEG at out, scaled so
// its longer side is at most maxSide pixels (0 keeps the size).
func WriteKeyframe(ctx context.Context, info *Info, lim Limits, t float64, out string, maxSide int) error {
	if info.Video == nil {
		return errors.New("write keyframe: no video stream")
	}
	lim = lim.WithDefaults()
	ctx, cancel := context.WithTimeout(ctx, lim.ProbeTimeout)
	defer cancel()
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("write keyframe: %w", err)
	}
	vf := "null"
	if maxSide > 0 {
		vf = fmt.Sprintf("scale='if(gte(iw,ih),min(%d,iw),-2)':'if(gte(iw,ih),-2,min(%d,ih))'", maxSide, maxSide)
	}
	args := append([]string{}, baseArgs...)
	args = append(args, "-ss", strconv.FormatFloat(math.Max(t, 0), 'f', 3, 64))
	args = append(args, hardenedInput(info.Path)...)
	args = append(args, "-map", "0:v:0", "-frames:v", "1", "-vf", vf, "-q:v", "3", "-f", "image2", "-update", "1", "-y", "file:"+out)
	if _, err := runOutput(ctx, lim, lim.ProbeTimeout, 1<<10, info.tools.ffmpeg(), args...); err != nil {
		return fmt.Errorf("write keyframe at %.2f s: %w", t, err)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		return fmt.Errorf("write keyframe at %.2f s: no picture decoded", t)
	}
	return nil
}
