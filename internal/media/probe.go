package media

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// Info is what a probe found out about a file.
type Info struct {
	Path      string
	Format    string // ffprobe's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
	DurationS float64
	SizeBytes int64
	Streams   int          // how many streams the container declares
	Video     *VideoStream // nil when there is no video stream
	Audio     *AudioStream // nil when there is no audio stream
	// Container is the container the first bytes show ("mp4", "mov",
	// "webm", "mkv", "avi", "mpegts"; "" for audio-only and other files).
	Container string `json:",omitempty"`

	tools Tools // the binaries that probed it, used by the decoders
}

// VideoStream is the first video stream, as displayed (rotation applied).
type VideoStream struct {
	Index    int
	Codec    string
	Width    int // displayed width
	Height   int // displayed height
	FPS      float64
	Rotation int // degrees, one of 0, 90, 180, 270
	Frames   int // declared frame count, 0 when unknown
	VFR      bool
}

// AudioStream is the first audio stream.
type AudioStream struct {
	Index      int
	Codec      string
	SampleRate int
	Channels   int
}

// Probe inspects path with t's ffprobe and checks it against lim. Errors
// are *kmeme.Error with code EINVALID (unreadable or corrupt), EUNSUPPORTED
// (not audio or video) or ETOOLARGE (over a limit).
func (t Tools) Probe(ctx context.Context, path string, lim Limits) (*Info, error) {
	lim = lim.WithDefaults()
	if err := lim.Validate(); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, kmeme.Errorf(kmeme.EINVALID, "bad path %q", path)
	}
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, &kmeme.Error{Code: kmeme.EINVALID, Message: fmt.Sprintf("no such file: %s", path)}
	case err != nil:
		return nil, &kmeme.Error{Code: kmeme.EINVALID, Message: fmt.Sprintf("cannot read %s", path), Err: err}
	case !st.Mode().IsRegular():
		return nil, kmeme.Errorf(kmeme.EINVALID, "not a regular file: %s", path)
	case st.Size() == 0:
		return nil, kmeme.Errorf(kmeme.EINVALID, "empty file: %s is 0 bytes", path)
	case st.Size() > lim.MaxFileBytes:
		return nil, kmeme.Errorf(kmeme.ETOOLARGE, "file too large: %d bytes, limit %d", st.Size(), lim.MaxFileBytes)
	}
	container, err := sniff(abs)
	if err != nil {
		return nil, err
	}
	args := append([]string{"-v", "error", "-hide_banner"}, hardenedInput(abs)...)
	args = append(args, "-show_format", "-show_streams", "-of", "json")
	out, err := runOutput(ctx, lim, lim.ProbeTimeout, 4<<20, t.ffprobe(), args...)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("probe %s: %w", path, err)
		}
		return nil, &kmeme.Error{Code: kmeme.EUNSUPPORTED, Message: "not a readable audio or video file (unknown container or corrupt header)", Err: err}
	}
	info, err := ParseProbe(out)
	if err != nil {
		return nil, &kmeme.Error{Code: kmeme.EUNSUPPORTED, Message: "not a readable audio or video file", Err: err}
	}
	info.Path, info.SizeBytes, info.Container, info.tools = abs, st.Size(), container.Name, t
	if err := info.check(lim); err != nil {
		return nil, err
	}
	return info, nil
}

// sniff rejects text files (playlists, concat lists, renamed documents)
// before any demuxer sees them, and names the container the first bytes
// show (zero Container when none of SniffContainer's).
func sniff(path string) (Container, error) {
	f, err := os.Open(path)
	if err != nil {
		return Container{}, &kmeme.Error{Code: kmeme.EINVALID, Message: "cannot open file", Err: err}
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Container{}, &kmeme.Error{Code: kmeme.EINVALID, Message: "cannot read file", Err: err}
	}
	head = head[:n]
	trimmed := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
	switch {
	case bytes.HasPrefix(trimmed, []byte("#EXTM3U")):
		return Container{}, kmeme.Errorf(kmeme.EUNSUPPORTED, "playlists are not accepted: the file is an HLS/M3U playlist")
	case bytes.HasPrefix(trimmed, []byte("ffconcat")):
		return Container{}, kmeme.Errorf(kmeme.EUNSUPPORTED, "concat lists are not accepted")
	}
	if isText(head) {
		return Container{}, kmeme.Errorf(kmeme.EUNSUPPORTED, "not a video: the file is text")
	}
	c, _ := SniffContainer(head)
	return c, nil
}

// isText reports whether b looks like printable UTF-8 text.
func isText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if !utf8.Valid(b) {
		// a cut in the middle of a rune at the end is still text
		if len(b) < 4 || !utf8.Valid(b[:len(b)-3]) {
			return false
		}
	}
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			return false
		}
	}
	return true
}

func (info *Info) check(lim Limits) error {
	if info.Video == nil && info.Audio == nil {
		return kmeme.Errorf(kmeme.EUNSUPPORTED, "not a video: no audio or video streams found")
	}
	if info.Streams > lim.MaxStreams {
		return kmeme.Errorf(kmeme.ETOOLARGE, "too many streams: %d, limit %d", info.Streams, lim.MaxStreams)
	}
	if info.DurationS > lim.MaxDurationS {
		return kmeme.Errorf(kmeme.ETOOLARGE, "too long: %.0f s, limit %.0f s", info.DurationS, lim.MaxDurationS)
	}
	if info.DurationS <= 0 {
		return kmeme.Errorf(kmeme.EINVALID, "unknown or zero duration")
	}
	if v := info.Video; v != nil {
		if v.Width <= 0 || v.Height <= 0 {
			return kmeme.Errorf(kmeme.EINVALID, "video stream has no picture size")
		}
		if v.Width > lim.MaxWidth || v.Height > lim.MaxHeight {
			return kmeme.Errorf(kmeme.ETOOLARGE, "picture too large: %dx%d, limit %dx%d", v.Width, v.Height, lim.MaxWidth, lim.MaxHeight)
		}
		if v.FPS > lim.MaxFPS {
			return kmeme.Errorf(kmeme.ETOOLARGE, "frame rate too high: %.0f fps, limit %.0f", v.FPS, lim.MaxFPS)
		}
	}
	return nil
}

type probeJSON struct {
	Streams []struct {
		Index        int               `json:"index"`
		CodecName    string            `json:"codec_name"`
		CodecType    string            `json:"codec_type"`
		Width        int               `json:"width"`
		Height       int               `json:"height"`
		RFrameRate   string            `json:"r_frame_rate"`
		AvgFrameRate string            `json:"avg_frame_rate"`
		SampleRate   string            `json:"sample_rate"`
		Channels     int               `json:"channels"`
		Duration     string            `json:"duration"`
		NbFrames     string            `json:"nb_frames"`
		Tags         map[string]string `json:"tags"`
		Disposition  map[string]int    `json:"disposition"`
		SideDataList []struct {
			Rotation *float64 `json:"rotation"`
		} `json:"side_data_list"`
	} `json:"streams"`
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
		NbStreams  int    `json:"nb_streams"`
	} `json:"format"`
}

// maxStreamsParsed bounds how many streams ParseProbe looks at.
const maxStreamsParsed = 1 << 16

// ParseProbe turns ffprobe's JSON (-show_format -show_streams -of json)
// into an Info. It never panics on hostile input.
func ParseProbe(data []byte) (*Info, error) {
	var p probeJSON
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("parse ffprobe output: %w", err)
	}
	info := &Info{Format: p.Format.FormatName}
	info.DurationS = parseFloat(p.Format.Duration)
	nStreams := max(len(p.Streams), p.Format.NbStreams)
	if nStreams > maxStreamsParsed {
		return nil, fmt.Errorf("parse ffprobe output: %d streams", nStreams)
	}
	info.Streams = nStreams
	for _, s := range p.Streams {
		switch s.CodecType {
		case "video":
			if info.Video != nil || s.Disposition["attached_pic"] == 1 {
				continue
			}
			v := &VideoStream{Index: s.Index, Codec: s.CodecName, Width: s.Width, Height: s.Height}
			r, avg := parseRate(s.RFrameRate), parseRate(s.AvgFrameRate)
			v.FPS = avg
			if v.FPS <= 0 || v.FPS > 1000 {
				v.FPS = r
			}
			if r > 0 && avg > 0 && math.Abs(r-avg)/r > 0.01 {
				v.VFR = true
			}
			v.Frames, _ = strconv.Atoi(s.NbFrames)
			rot := 0.0
			for _, sd := range s.SideDataList {
				if sd.Rotation != nil {
					rot = *sd.Rotation
				}
			}
			if t, ok := s.Tags["rotate"]; ok && rot == 0 {
				rot = parseFloat(t)
			}
			v.Rotation = normRotation(rot)
			if v.Rotation == 90 || v.Rotation == 270 {
				v.Width, v.Height = v.Height, v.Width
			}
			info.Video = v
			if d := parseFloat(s.Duration); info.DurationS <= 0 && d > 0 {
				info.DurationS = d
			}
		case "audio":
			if info.Audio != nil {
				continue
			}
			sr, _ := strconv.Atoi(s.SampleRate)
			info.Audio = &AudioStream{Index: s.Index, Codec: s.CodecName, SampleRate: sr, Channels: s.Channels}
			if d := parseFloat(s.Duration); info.DurationS <= 0 && d > 0 {
				info.DurationS = d
			}
		}
	}
	if info.Video != nil && (math.IsNaN(info.Video.FPS) || info.Video.FPS <= 0) {
		info.Video.FPS = 30
	}
	return info, nil
}

func normRotation(r float64) int {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return 0
	}
	d := int(math.Round(r/90)) * 90 % 360
	if d < 0 {
		d += 360
	}
	return d
}

func parseFloat(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// parseRate parses "30000/1001" or "25".
func parseRate(s string) float64 {
	num, den, ok := strings.Cut(s, "/")
	n := parseFloat(num)
	if !ok {
		return n
	}
	d := parseFloat(den)
	if d == 0 {
		return 0
	}
	return n / d
}
