package media

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Tools names the ffmpeg and ffprobe binaries that run: the configured
// KMEME_FFMPEG and KMEME_FFPROBE. The zero value runs "ffmpeg" and
// "ffprobe" found on PATH. An Info remembers the Tools that probed it, so
// the decoders run the same ffmpeg.
type Tools struct {
	FFmpeg  string
	FFprobe string
}

func (t Tools) ffmpeg() string {
	if t.FFmpeg == "" {
		return "ffmpeg"
	}
	return t.FFmpeg
}

func (t Tools) ffprobe() string {
	if t.FFprobe == "" {
		return "ffprobe"
	}
	return t.FFprobe
}

// Probed returns the Info of a file probed before (stored is the Info as
// JSON, as the upload recorded it) for a copy of it at path, without
// running ffprobe again. The copy must have the recorded size, and the
// recorded Info is checked against lim as Probe would check it.
func (t Tools) Probed(path string, stored json.RawMessage, lim Limits) (*Info, error) {
	lim = lim.WithDefaults()
	var info Info
	if err := json.Unmarshal(stored, &info); err != nil {
		return nil, fmt.Errorf("stored probe unreadable: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, kmeme.Errorf(kmeme.EINVALID, "bad path %q", path)
	}
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, kmeme.Errorf(kmeme.EINVALID, "no such file: %s", path)
	case err != nil:
		return nil, &kmeme.Error{Code: kmeme.EINVALID, Message: fmt.Sprintf("cannot read %s", path), Err: err}
	case info.SizeBytes != 0 && st.Size() != info.SizeBytes:
		return nil, fmt.Errorf("stored probe is of a %d-byte file, %s has %d bytes", info.SizeBytes, path, st.Size())
	}
	if err := info.check(lim); err != nil {
		return nil, err
	}
	info.Path, info.SizeBytes, info.tools = abs, st.Size(), t
	return &info, nil
}
