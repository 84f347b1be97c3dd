package perception

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/media"
	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
)

// captionsClip is an 8 s vertical clip over a still photo whose captions
// come and go: three end before the last second, one is the first shown
// again (it takes that one's reading), one is still up at the end.
func captionsClip(t *testing.T) string {
	t.Helper()
	need(t, font, noPeople)
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Skip("tesseract not installed")
	}
	vf := strings.Join([]string{
		"scale=540:960:force_original_aspect_ratio=increase,crop=540:960",
		drawtext("엄마한테 걸렸을 때", "outline", 640, 0.5, 2),
		drawtext("POV 월요일 아침", "card", 150, 2.5, 4),
		drawtext("친구가 카톡 읽씹할 때", "outline", 400, 4.5, 6),
		drawtext("엄마한테 걸렸을 때", "outline", 640, 6, 7.5),
		drawtext("진짜 레전드", "card", 800, 6.5, 8),
		"format=yuv420p",
	}, ",")
	return mediatest.FFmpeg(t, "captions.mp4", "-loop", "1", "-i", noPeople, "-vf", vf, "-t", "8", "-r", "15",
		"-c:v", "libx264", "-preset", "ultrafast")
}

// decode feeds the file's sample frames to s the way analysis does; stop,
// when set, is asked after each sample and fails the decode when true.
func decode(t *testing.T, s *Session, info *media.Info, stop func() bool) error {
	t.Helper()
	errStop := errors.New("decode stopped")
	_, err := media.DecodeFramesWithSamples(context.Background(), info, media.Limits{}, media.FrameOptions{Gray: true}, s.SampleOptions(),
		func(media.Frame) error { return nil },
		func(f media.Frame) error {
			_ = s.Push(f)
			if stop != nil && stop() {
				return errStop
			}
			return nil
		})
	if err != nil && !errors.Is(err, errStop) && !strings.Contains(err.Error(), errStop.Error()) {
		t.Fatal(err)
	}
	return err
}

func probe(t *testing.T, path string) *media.Info {
	t.Helper()
	info, err := media.Tools{}.Probe(context.Background(), path, media.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// readCaptions decodes the clip into a session whose background reader
// waits for batch finished tracks (0: none read before Finish) and returns
// the texts and how many regions were read while decoding.
func readCaptions(t *testing.T, path string, batch int) ([]kmeme.ScreenText, int) {
	t.Helper()
	info := probe(t, path)
	s := Start(info, Options{TempDir: t.TempDir()})
	s.early.batch = batch
	decode(t, s, info, nil)
	// the batches the decode left queued are read before Finish stops
	// the reader (the decode of a short clip outruns tesseract)
	for deadline := time.Now().Add(time.Minute); !s.early.idle(); {
		if time.Now().After(deadline) {
			t.Fatal("background reader still busy after a minute")
		}
		time.Sleep(10 * time.Millisecond)
	}
	shots := []kmeme.Shot{{Start: 0, End: info.DurationS, KeyframeT: info.DurationS / 2}}
	p := s.Finish(context.Background(), Input{DurationS: info.DurationS, Shots: shots})
	s.early.mu.Lock()
	early := len(s.early.read)
	s.early.mu.Unlock()
	return p.Texts, early
}

func TestTextsReadWhileDecodingEqualTextsReadAtFinish(t *testing.T) {
	path := captionsClip(t)
	atFinish, none := readCaptions(t, path, 0)
	if none != 0 {
		t.Fatalf("%d regions read before Finish with the background reader off", none)
	}
	if len(atFinish) < 4 {
		t.Fatalf("texts read at Finish = %+v, want the clip's captions", atFinish)
	}
	early, n := readCaptions(t, path, 1)
	// the three captions that end before the last, not the one shown
	// again (it takes the first one's reading) nor the one still up
	if n < 3 {
		t.Errorf("%d regions read while decoding, want the captions that ended (3 or more)", n)
	}
	if !reflect.DeepEqual(early, atFinish) {
		t.Errorf("texts read while decoding:\n%+v\nread at Finish:\n%+v", early, atFinish)
	}
}

func TestCloseAfterFailedDecodeStopsEarlyReader(t *testing.T) {
	path := captionsClip(t)
	info := probe(t, path)
	tmp := t.TempDir()
	s := Start(info, Options{TempDir: tmp})
	s.early.batch = 1
	// fail the decode once the background reader is at work (its crop
	// directory made), as a decode error would mid-way
	working := func() bool {
		s.early.mu.Lock()
		defer s.early.mu.Unlock()
		return s.early.r != nil
	}
	deadline := time.Now().Add(30 * time.Second)
	err := decode(t, s, info, func() bool {
		if s.early.exited == nil {
			return false
		}
		for !working() && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		return true
	})
	if err == nil {
		t.Fatal("decode did not fail: no track ended before the end of the clip")
	}
	if !working() {
		t.Fatal("background reader never started reading")
	}
	s.Close()
	select {
	case <-s.early.exited:
	default:
		t.Error("background reader still running after Close")
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		t.Errorf("left in the temp dir after Close: %s", e.Name())
	}
	s.Close() // twice is fine
}
