package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"sync"
	"time"
)

// SampleOptions ask DecodeFramesWithSamples for a second, larger and
// sparser gray stream beside the small detection frames, from the same
// decode: the perception stage reads faces, text and camera motion from it
// without decoding the file twice.
type SampleOptions struct {
	// Width and Height of the gray sample frames (aspect is the caller's
	// choice; the perception stage keeps the displayed aspect).
	Width, Height int
	// FPS is the sample rate, e.g. 4.
	FPS float64
}

// DecodeFramesWithSamples is DecodeFrames with a second output: fn gets the
// small frames exactly as DecodeFrames gives them, sfn gets gray frames of
// so's size at so.FPS (Frame.T is the sample's time). Both callbacks run on
// their own goroutine; each Pix is reused after its callback returns. The
// file is decoded once (ffmpeg splits the decoded picture into two scalers).
func DecodeFramesWithSamples(ctx context.Context, info *Info, lim Limits, opt FrameOptions, so SampleOptions, fn func(Frame) error, sfn func(Frame) error) (float64, error) {
	if info.Video == nil {
		return 0, errors.New("decode frames: no video stream")
	}
	if so.Width <= 0 || so.Height <= 0 || so.FPS <= 0 || sfn == nil {
		return DecodeFrames(ctx, info, lim, opt, fn)
	}
	lim = lim.WithDefaults()
	opt = opt.withDefaults(info)
	ctx, cancel := context.WithTimeout(ctx, lim.DecodeTimeout)
	defer cancel()
	args := frameInputArgs(info, opt)
	rate := strconv.FormatFloat(opt.FPS, 'f', 6, 64)
	srate := strconv.FormatFloat(so.FPS, 'f', 6, 64)
	pixFmt, bpp := "rgb24", 3
	if opt.Gray {
		pixFmt, bpp = "gray", 1
	}
	// the sample branch drops frames first (fps), so its scaler only sees
	// so.FPS pictures a second
	fc := fmt.Sprintf("[0:v:0]split=2[m][s];"+
		"[m]scale=%d:%d:flags=fast_bilinear,scale=%d:%d:flags=area,fps=%s,format=%s[mo];"+
		"[s]fps=%s,scale=%d:%d:flags=area,format=gray[so]",
		4*opt.Width, 4*opt.Height, opt.Width, opt.Height, rate, pixFmt,
		srate, so.Width, so.Height)
	dur := strconv.FormatFloat(lim.MaxDurationS, 'f', 3, 64)
	// one filter thread: the decoder's frame threads already fill the
	// cores, and slice threads for these small scalers cost more CPU in
	// hand-offs than they save (same pictures either way)
	args = append(args, "-filter_complex_threads", "1", "-filter_complex", fc,
		"-map", "[mo]", "-an", "-sn", "-dn", "-t", dur, "-f", "rawvideo", "pipe:1",
		"-map", "[so]", "-an", "-sn", "-dn", "-t", dur, "-f", "rawvideo", "pipe:3")
	pr, pw, err := os.Pipe()
	if err != nil {
		return 0, fmt.Errorf("decode frames: %w", err)
	}
	cmd := command(ctx, lim, info.tools.ffmpeg(), args...)
	cmd.ExtraFiles = []*os.File{pw}
	stderr := &capped{max: lim.MaxStderrBytes}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		pr.Close()
		pw.Close()
		return 0, fmt.Errorf("decode frames: %w", err)
	}
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return 0, fmt.Errorf("decode frames: start ffmpeg: %w", err)
	}
	pw.Close() // the child holds its copy
	maxDur := math.Min(info.DurationS, lim.MaxDurationS) + 2

	var wg sync.WaitGroup
	var sampleErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer pr.Close()
		sampleErr = readFrames(pr, so.Width, so.Height, 1, so.FPS, int(maxDur*so.FPS)+10, info.DurationS, sfn)
		if sampleErr != nil {
			cancel()
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	loopErr := readFrames(out, opt.Width, opt.Height, bpp, opt.FPS, int(maxDur*opt.FPS)+10, info.DurationS, fn)
	if loopErr != nil {
		cancel()
	}
	_, _ = io.Copy(io.Discard, out)
	werr := cmd.Wait()
	wg.Wait()
	if loopErr != nil {
		return opt.FPS, loopErr
	}
	if sampleErr != nil {
		return opt.FPS, sampleErr
	}
	if werr != nil {
		return opt.FPS, fmt.Errorf("decode frames: %w", processError(ctx, "ffmpeg", lim.DecodeTimeout, werr, stderr))
	}
	return opt.FPS, nil
}

// readFrames reads fixed-size raw frames from r until EOF, calling fn.
func readFrames(r io.Reader, w, h, bpp int, fps float64, maxFrames int, durS float64, fn func(Frame) error) error {
	buf := make([]byte, w*h*bpp)
	for i := 0; ; i++ {
		if _, err := io.ReadFull(r, buf); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("decode frames: read: %w", err)
			}
			return nil
		}
		if i >= maxFrames {
			return fmt.Errorf("decode frames: more frames than the %.0f s duration allows", durS)
		}
		if err := fn(Frame{Index: i, T: float64(i) / fps, FPS: fps, Width: w, Height: h, Pix: buf}); err != nil {
			return err
		}
	}
}

// RunTool runs a helper program (e.g. tesseract) under the same hardening
// as ffmpeg: no stdin, killed at timeout or when ctx ends, address space and
// CPU time capped with prlimit, stdout capped at maxOut bytes. env, when
// not nil, is the complete environment of the process.
func RunTool(ctx context.Context, lim Limits, timeout time.Duration, maxOut int, env []string, name string, args ...string) ([]byte, error) {
	lim = lim.WithDefaults()
	if env == nil {
		return runOutput(ctx, lim, timeout, maxOut, name, args...)
	}
	return runOutputEnv(ctx, lim, timeout, maxOut, env, name, args...)
}

// runOutputEnv is runOutput with an explicit environment.
func runOutputEnv(ctx context.Context, lim Limits, timeout time.Duration, maxOut int, env []string, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := command(ctx, lim, name, args...)
	cmd.Env = env
	var out bytes.Buffer
	stderr := &capped{max: lim.MaxStderrBytes}
	lw := &limitWriter{w: &out, n: int64(maxOut), cancel: cancel}
	cmd.Stdout = lw
	cmd.Stderr = stderr
	err := cmd.Run()
	if lw.exceeded {
		return nil, fmt.Errorf("%s: output over %d bytes", name, maxOut)
	}
	if err != nil {
		return nil, processError(ctx, name, timeout, err, stderr)
	}
	return out.Bytes(), nil
}
