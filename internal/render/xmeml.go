package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"path"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// xmeml is Final Cut Pro 7's interchange XML, version 5: what Premiere Pro
// imports (File › Import) and exports as "Final Cut Pro XML".

type xmRate struct {
	Timebase int64  `xml:"timebase"`
	NTSC     string `xml:"ntsc"`
}

type xmDoc struct {
	XMLName  xml.Name   `xml:"xmeml"`
	Version  string     `xml:"version,attr"`
	Sequence xmSequence `xml:"sequence"`
}

type xmSequence struct {
	ID       string     `xml:"id,attr"`
	Name     string     `xml:"name"`
	Duration int64      `xml:"duration"`
	Rate     xmRate     `xml:"rate"`
	Timecode xmTimecode `xml:"timecode"`
	Media    xmMedia    `xml:"media"`
	Markers  []xmMarker `xml:"marker"`
}

type xmTimecode struct {
	Rate          xmRate `xml:"rate"`
	String        string `xml:"string"`
	Frame         int64  `xml:"frame"`
	DisplayFormat string `xml:"displayformat"`
}

type xmMedia struct {
	Video xmVideo  `xml:"video"`
	Audio *xmAudio `xml:"audio,omitempty"`
}

type xmVideo struct {
	Format xmFormat  `xml:"format"`
	Tracks []xmTrack `xml:"track"`
}

type xmAudio struct {
	Tracks []xmTrack `xml:"track"`
}

type xmFormat struct {
	Sample xmSample `xml:"samplecharacteristics"`
}

type xmSample struct {
	Rate             *xmRate `xml:"rate,omitempty"`
	Width            int     `xml:"width"`
	Height           int     `xml:"height"`
	PixelAspectRatio string  `xml:"pixelaspectratio"`
	Anamorphic       string  `xml:"anamorphic"`
	FieldDominance   string  `xml:"fielddominance"`
}

type xmTrack struct {
	Name       string            `xml:"-"`
	Generators []xmGeneratorItem `xml:"generatoritem"`
	Clips      []xmClipItem      `xml:"clipitem"`
	Enabled    string            `xml:"enabled"`
	Locked     string            `xml:"locked"`
}

type xmGeneratorItem struct {
	ID         string   `xml:"id,attr"`
	Name       string   `xml:"name"`
	Duration   int64    `xml:"duration"`
	Rate       xmRate   `xml:"rate"`
	Start      int64    `xml:"start"`
	End        int64    `xml:"end"`
	In         int64    `xml:"in"`
	Out        int64    `xml:"out"`
	Enabled    string   `xml:"enabled"`
	Anamorphic string   `xml:"anamorphic"`
	AlphaType  string   `xml:"alphatype"`
	Effect     xmEffect `xml:"effect"`
}

type xmEffect struct {
	Name       string    `xml:"name"`
	EffectID   string    `xml:"effectid"`
	Category   string    `xml:"effectcategory"`
	Type       string    `xml:"effecttype"`
	MediaType  string    `xml:"mediatype"`
	Parameters []xmParam `xml:"parameter"`
}

type xmParam struct {
	ID    string   `xml:"parameterid"`
	Name  string   `xml:"name"`
	Min   *float64 `xml:"valuemin,omitempty"`
	Max   *float64 `xml:"valuemax,omitempty"`
	Value any      `xml:"value"`
}

type xmColor struct {
	Alpha int `xml:"alpha"`
	Red   int `xml:"red"`
	Green int `xml:"green"`
	Blue  int `xml:"blue"`
}

type xmPoint struct {
	Horiz string `xml:"horiz"`
	Vert  string `xml:"vert"`
}

type xmClipItem struct {
	ID          string         `xml:"id,attr"`
	Name        string         `xml:"name"`
	Enabled     string         `xml:"enabled"`
	Duration    int64          `xml:"duration"`
	Rate        xmRate         `xml:"rate"`
	Start       int64          `xml:"start"`
	End         int64          `xml:"end"`
	In          int64          `xml:"in"`
	Out         int64          `xml:"out"`
	File        xmFile         `xml:"file"`
	SourceTrack *xmSourceTrack `xml:"sourcetrack,omitempty"`
}

type xmSourceTrack struct {
	MediaType  string `xml:"mediatype"`
	TrackIndex int    `xml:"trackindex"`
}

type xmFile struct {
	ID       string       `xml:"id,attr"`
	Name     string       `xml:"name,omitempty"`
	PathURL  string       `xml:"pathurl,omitempty"`
	Rate     *xmRate      `xml:"rate,omitempty"`
	Duration int64        `xml:"duration,omitempty"`
	Media    *xmFileMedia `xml:"media,omitempty"`
}

type xmFileMedia struct {
	Video *xmFormat    `xml:"video,omitempty"`
	Audio *xmFileAudio `xml:"audio,omitempty"`
}

type xmFileAudio struct {
	ChannelCount int `xml:"channelcount"`
}

type xmMarker struct {
	Name    string `xml:"name"`
	Comment string `xml:"comment"`
	In      int64  `xml:"in"`
	Out     int64  `xml:"out"`
}

// XMEML writes the plan as a Final Cut Pro 7 XML (xmeml version 5)
// sequence for Premiere Pro: V1 is one Slug generator per planned shot
// named like the other timelines' slots, V2 the source video for
// reference (disabled), then one Text generator track per text layer and
// register with the text, NanumGothic/NanumSquare and the safe-zone
// origin (reg's tracks enabled, the other register's off); A1 the source's
// sound as the music bed; sequence markers on every beat, downbeats named
// "bar N". Frames count at the sequence timebase (30 with NTSC TRUE for
// 29.97). sourceURL is a file:// URL of the source, or "" for source.mp4
// beside the file.
func XMEML(a *kmeme.Analysis, r *kmeme.Recipe, sourceURL string, reg kmeme.Register) ([]byte, error) {
	reg = chosenRegister(reg)
	tb := timebaseOf(a)
	rate := xmRateOf(tb)
	w, h, hasVideo := frameSize(a)
	z := safeZoneFor(w, h)
	slots := slotsOf(a, r, tb)
	total := tb.frames(a.DurationS)
	end := slots[len(slots)-1].f1
	if sourceURL == "" {
		sourceURL = "source.mp4"
	}
	sample := xmSample{Rate: &rate, Width: w, Height: h, PixelAspectRatio: "square", Anamorphic: "FALSE", FieldDominance: "none"}
	slotTrack := xmTrack{Enabled: "TRUE", Locked: "FALSE"}
	for _, sl := range slots {
		d := sl.f1 - sl.f0
		slotTrack.Generators = append(slotTrack.Generators, xmGeneratorItem{
			ID: fmt.Sprintf("slot-%d", sl.shot.N), Name: sl.name, Duration: d, Rate: rate,
			Start: sl.f0, End: sl.f1, In: 0, Out: d, Enabled: "TRUE", Anamorphic: "FALSE", AlphaType: "none",
			Effect: xmEffect{Name: "Slug", EffectID: "Slug", Category: "Matte", Type: "generator", MediaType: "video"},
		})
	}
	tracks := []xmTrack{slotTrack}
	fileName := path.Base(sourceURL)
	fileMedia := &xmFileMedia{}
	if hasVideo {
		fileMedia.Video = &xmFormat{Sample: xmSample{Width: w, Height: h, PixelAspectRatio: "square", Anamorphic: "FALSE", FieldDominance: "none"}}
	}
	if a.Audio != nil {
		fileMedia.Audio = &xmFileAudio{ChannelCount: max(1, a.Audio.Channels)}
	}
	fullFile := xmFile{ID: "file-1", Name: fileName, PathURL: sourceURL, Rate: &rate, Duration: total, Media: fileMedia}
	fileUsed := false
	fileRef := func() xmFile {
		if fileUsed {
			return xmFile{ID: "file-1"}
		}
		fileUsed = true
		return fullFile
	}
	if hasVideo {
		tracks = append(tracks, xmTrack{Enabled: "FALSE", Locked: "FALSE", Clips: []xmClipItem{{
			ID: "source-video", Name: "원본 영상 (참고용, 꺼 둠)", Enabled: "FALSE", Duration: total, Rate: rate,
			Start: 0, End: total, In: 0, Out: total, File: fileRef(),
		}}})
	}
	n := 0
	for _, rg := range registers {
		for _, kind := range []cueKind{cueCaption, cueOvertitle} {
			tr := xmTrack{Enabled: boolXM(rg == reg), Locked: "FALSE"}
			for _, c := range cuesOf(slots, kind, rg, tb) {
				n++
				d := c.f1 - c.f0
				tr.Generators = append(tr.Generators, xmGeneratorItem{
					ID: fmt.Sprintf("text-%d", n), Name: fmt.Sprintf("%s · %s · S%02d", map[cueKind]string{cueCaption: "자막", cueOvertitle: "예능 자막"}[kind], registerName(rg), c.shot),
					Duration: d, Rate: rate, Start: c.f0, End: c.f1, In: 0, Out: d, Enabled: boolXM(rg == reg),
					Anamorphic: "FALSE", AlphaType: "black", Effect: xmTextEffect(c, z),
				})
			}
			tracks = append(tracks, tr)
		}
	}
	seq := xmSequence{
		ID: "sequence-1", Name: r.Concept.Title, Duration: end, Rate: rate,
		Timecode: xmTimecode{Rate: rate, String: edlTimecode(0, tb), Frame: 0, DisplayFormat: "NDF"},
		Media:    xmMedia{Video: xmVideo{Format: xmFormat{Sample: sample}, Tracks: tracks}},
	}
	if a.Audio != nil {
		seq.Media.Audio = &xmAudio{Tracks: []xmTrack{{Enabled: "TRUE", Locked: "FALSE", Clips: []xmClipItem{{
			ID: "source-audio", Name: "음악 베드 (원본 소리, 참고용)", Enabled: "TRUE", Duration: total, Rate: rate,
			Start: 0, End: total, In: 0, Out: total, File: fileRef(),
			SourceTrack: &xmSourceTrack{MediaType: "audio", TrackIndex: 1},
		}}}}}
	}
	for _, m := range beatMarks(a) {
		kind := "beat"
		if m.downbeat {
			kind = "downbeat"
		}
		seq.Markers = append(seq.Markers, xmMarker{Name: m.name, Comment: kind, In: tb.frames(m.t), Out: -1})
	}
	var b bytes.Buffer
	b.WriteString(xml.Header + "<!DOCTYPE xmeml>\n")
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(xmDoc{Version: "5", Sequence: seq}); err != nil {
		return nil, fmt.Errorf("encode xmeml: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// xmRateOf is the xmeml rate: the nominal timebase, NTSC TRUE for x/1001.
func xmRateOf(tb timebase) xmRate {
	if tb.Den == 1001 {
		return xmRate{Timebase: tb.Num / 1000, NTSC: "TRUE"}
	}
	return xmRate{Timebase: int64(math.Round(tb.rate())), NTSC: "FALSE"}
}

func boolXM(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// xmTextEffect is FCP 7's Text generator for one cue. Its origin is the
// text's centre in frame units from the centre (−0.5…0.5, y down).
func xmTextEffect(c textCue, z safeZone) xmEffect {
	lay := layoutCue(c, z)
	cy := float64(lay.y0+lay.y1)/2/float64(z.H) - 0.5
	cx := float64(lay.cx)/float64(z.W) - 0.5
	lo, hi := 0.0, 1000.0
	col := xmColor{Alpha: 255, Red: 255, Green: 255, Blue: 255}
	if c.kind == cueOvertitle {
		col = xmColor{Alpha: 255, Red: 255, Green: 229, Blue: 0}
	}
	return xmEffect{Name: "Text", EffectID: "Text", Category: "Text", Type: "generator", MediaType: "video",
		Parameters: []xmParam{
			{ID: "str", Name: "Text", Value: strings.ReplaceAll(c.text, "\n", "\r")},
			{ID: "fontname", Name: "Font", Value: lay.font},
			{ID: "fontsize", Name: "Size", Min: &lo, Max: &hi, Value: lay.size},
			{ID: "fontstyle", Name: "Style", Value: 2}, // bold
			{ID: "fontalign", Name: "Alignment", Value: 2},
			{ID: "fontcolor", Name: "Font Color", Value: col},
			{ID: "origin", Name: "Origin", Value: xmPoint{Horiz: fmt.Sprintf("%.4f", cx), Vert: fmt.Sprintf("%.4f", cy)}},
		}}
}
