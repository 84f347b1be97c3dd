package render

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// The OpenTimelineIO schema versions written, as OpenTimelineIO's
// serialized-schema documentation lists them.
const (
	otioTimeline  = "Timeline.1"
	otioStack     = "Stack.1"
	otioTrack     = "Track.1"
	otioClip      = "Clip.2"
	otioMarker    = "Marker.3"
	otioColor     = "Color.1"
	otioRational  = "RationalTime.1"
	otioRange     = "TimeRange.1"
	otioExternal  = "ExternalReference.1"
	otioMissing   = "MissingReference.1"
	otioGap       = "Gap.1"
	otioGenerator = "GeneratorReference.1"
	otioAudioKind = "Audio"
	otioMediaKey  = "DEFAULT_MEDIA"
	otioVideoKind = "Video"
)

type otioTime struct {
	Schema string  `json:"OTIO_SCHEMA"`
	Rate   float64 `json:"rate"`
	Value  float64 `json:"value"`
}

type otioTimeRange struct {
	Schema    string   `json:"OTIO_SCHEMA"`
	Duration  otioTime `json:"duration"`
	StartTime otioTime `json:"start_time"`
}

type otioColorV struct {
	Schema string  `json:"OTIO_SCHEMA"`
	R      float64 `json:"r"`
	G      float64 `json:"g"`
	B      float64 `json:"b"`
	A      float64 `json:"a"`
	Name   string  `json:"name"`
}

type otioMarkerV struct {
	Schema      string         `json:"OTIO_SCHEMA"`
	Metadata    map[string]any `json:"metadata"`
	Name        string         `json:"name"`
	Color       otioColorV     `json:"color"`
	Comment     string         `json:"comment"`
	MarkedRange otioTimeRange  `json:"marked_range"`
}

type otioMediaRef struct {
	Schema               string         `json:"OTIO_SCHEMA"`
	Metadata             map[string]any `json:"metadata"`
	Name                 string         `json:"name"`
	AvailableRange       *otioTimeRange `json:"available_range"`
	AvailableImageBounds any            `json:"available_image_bounds"`
	TargetURL            string         `json:"target_url,omitempty"`
}

type otioClipV struct {
	Schema                  string         `json:"OTIO_SCHEMA"`
	Metadata                map[string]any `json:"metadata"`
	Name                    string         `json:"name"`
	SourceRange             otioTimeRange  `json:"source_range"`
	Effects                 []any          `json:"effects"`
	Markers                 []otioMarkerV  `json:"markers"`
	Enabled                 bool           `json:"enabled"`
	MediaReferences         map[string]any `json:"media_references"`
	ActiveMediaReferenceKey string         `json:"active_media_reference_key"`
}

type otioTrackV struct {
	Schema      string         `json:"OTIO_SCHEMA"`
	Metadata    map[string]any `json:"metadata"`
	Name        string         `json:"name"`
	SourceRange *otioTimeRange `json:"source_range"`
	Effects     []any          `json:"effects"`
	Markers     []otioMarkerV  `json:"markers"`
	Enabled     bool           `json:"enabled"`
	Children    []any          `json:"children"` // otioClipV and otioGapV
	Kind        string         `json:"kind"`
}

type otioGapV struct {
	Schema      string         `json:"OTIO_SCHEMA"`
	Metadata    map[string]any `json:"metadata"`
	Name        string         `json:"name"`
	SourceRange otioTimeRange  `json:"source_range"`
	Effects     []any          `json:"effects"`
	Markers     []otioMarkerV  `json:"markers"`
	Enabled     bool           `json:"enabled"`
}

type otioGeneratorRef struct {
	Schema               string         `json:"OTIO_SCHEMA"`
	Metadata             map[string]any `json:"metadata"`
	Name                 string         `json:"name"`
	AvailableRange       *otioTimeRange `json:"available_range"`
	AvailableImageBounds any            `json:"available_image_bounds"`
	GeneratorKind        string         `json:"generator_kind"`
	Parameters           map[string]any `json:"parameters"`
}

type otioStackV struct {
	Schema      string         `json:"OTIO_SCHEMA"`
	Metadata    map[string]any `json:"metadata"`
	Name        string         `json:"name"`
	SourceRange *otioTimeRange `json:"source_range"`
	Effects     []any          `json:"effects"`
	Markers     []otioMarkerV  `json:"markers"`
	Enabled     bool           `json:"enabled"`
	Children    []otioTrackV   `json:"children"`
}

type otioTimelineV struct {
	Schema          string         `json:"OTIO_SCHEMA"`
	Metadata        map[string]any `json:"metadata"`
	Name            string         `json:"name"`
	GlobalStartTime otioTime       `json:"global_start_time"`
	Tracks          otioStackV     `json:"tracks"`
}

// OTIO writes the plan as an OpenTimelineIO template. Track 1 holds one
// placeholder per planned shot (a clip with a SolidColor generator named
// "S03 · 미디엄샷 · 3.1마디", the shot's plan in its metadata) and a marker
// on every beat, downbeats red and named by bar. Track 2 is the source video
// for reference, disabled. Then one track per text layer and register
// (captions and 예능 overtitles, 반말 and 존댓말): each text is a clip with
// a "Text" generator whose parameters and metadata carry the text, font and
// safe-zone position for a translator or a script; the tracks of reg are
// enabled, the others off. Last, the source's sound as the music bed on an
// audio track. sourceURL may be empty; the source clips then carry a
// MissingReference.
func OTIO(a *kmeme.Analysis, r *kmeme.Recipe, sourceURL string, reg kmeme.Register) ([]byte, error) {
	reg = chosenRegister(reg)
	tb := timebaseOf(a)
	rate := tb.rate()
	rt := func(frames int64) otioTime { return otioTime{Schema: otioRational, Rate: rate, Value: float64(frames)} }
	rng := func(start, dur int64) otioTimeRange {
		return otioTimeRange{Schema: otioRange, StartTime: rt(start), Duration: rt(dur)}
	}
	total := tb.frames(a.DurationS)
	w, h, hasVideo := frameSize(a)
	zone := safeZoneFor(w, h)
	slots := slotsOf(a, r, tb)
	newTrack := func(name, kind string, enabled bool, meta map[string]any) otioTrackV {
		return otioTrackV{Schema: otioTrack, Metadata: map[string]any{"kmeme": meta}, Name: name, Effects: []any{},
			Markers: []otioMarkerV{}, Enabled: enabled, Kind: kind, Children: []any{}}
	}
	sourceClip := func(name string) otioClipV {
		ref := otioMediaRef{Schema: otioMissing, Metadata: map[string]any{}, Name: "source"}
		avail := rng(0, total)
		ref.AvailableRange = &avail
		if sourceURL != "" {
			ref.Schema, ref.TargetURL = otioExternal, sourceURL
		}
		return otioClipV{Schema: otioClip, Name: name, Metadata: map[string]any{}, SourceRange: rng(0, total),
			Effects: []any{}, Markers: []otioMarkerV{}, Enabled: true,
			MediaReferences: map[string]any{otioMediaKey: ref}, ActiveMediaReferenceKey: otioMediaKey}
	}
	generator := func(kind string, dur int64, params map[string]any) map[string]any {
		avail := rng(0, dur)
		return map[string]any{otioMediaKey: otioGeneratorRef{Schema: otioGenerator, Metadata: map[string]any{}, Name: kind,
			AvailableRange: &avail, GeneratorKind: kind, Parameters: params}}
	}

	slotTrack := newTrack("슬롯 (내 영상 넣기)", otioVideoKind, true, map[string]any{"layer": "slots"})
	slotTrack.Markers = beatMarkers(a, tb, rng)
	for _, sl := range slots {
		s := sl.shot
		slotTrack.Children = append(slotTrack.Children, otioClipV{
			Schema: otioClip, Name: sl.name,
			Metadata: map[string]any{"kmeme": map[string]any{
				"shot": s.N, "section": string(s.Section), "role": string(s.Role), "film": s.Film, "framing": s.Framing,
				"action": s.Action, "overtitle": s.Overtitle, "overtitle_polite": overtitleOf(s, kmeme.RegisterPolite),
				"caption_casual": s.Caption.Casual, "caption_polite": s.Caption.Polite, "source_text": s.SourceText,
				"start_beat": s.StartBeat, "end_beat": s.EndBeat, "source_shot": s.SourceShot, "placeholder": true,
			}},
			SourceRange: rng(0, sl.f1-sl.f0), Effects: []any{}, Markers: []otioMarkerV{}, Enabled: true,
			MediaReferences: generator("SolidColor", sl.f1-sl.f0, map[string]any{
				"color": "0.16 0.16 0.18 1", "label": sl.name, "width": w, "height": h}),
			ActiveMediaReferenceKey: otioMediaKey,
		})
	}
	tracks := []otioTrackV{slotTrack}
	if hasVideo {
		ref := newTrack("원본 영상 (참고용, 꺼 둠)", otioVideoKind, false, map[string]any{"layer": "source_reference"})
		ref.Children = append(ref.Children, sourceClip("원본 영상"))
		tracks = append(tracks, ref)
	}
	for _, rg := range registers {
		for _, kind := range []cueKind{cueCaption, cueOvertitle} {
			label := "자막"
			if kind == cueOvertitle {
				label = "예능 자막"
			}
			tr := newTrack(label+" · "+registerName(rg), otioVideoKind, rg == reg,
				map[string]any{"layer": string(kind), "register": string(rg), "language": "ko"})
			at := int64(0)
			for _, c := range cuesOf(slots, kind, rg, tb) {
				if c.f0 > at {
					tr.Children = append(tr.Children, otioGapV{Schema: otioGap, Metadata: map[string]any{}, Name: "",
						SourceRange: rng(0, c.f0-at), Effects: []any{}, Markers: []otioMarkerV{}, Enabled: true})
				}
				lay := layoutCue(c, zone)
				text := map[string]any{
					"text": c.text, "font": lay.font, "font_fallback": fontFallback, "font_size_px": lay.size,
					"color": lay.fcpColor, "align": "center", "anchor": map[bool]string{true: "top", false: "bottom"}[lay.top],
					"x_px": lay.cx, "y_top_px": lay.y0, "y_bottom_px": lay.y1, "frame_width": w, "frame_height": h,
				}
				meta := map[string]any{"kind": string(kind), "register": string(rg), "shot": c.shot, "text": c.text,
					"position": text, "safe_zone": map[string]int{"left": zone.Left, "top": zone.Top, "right": zone.Right, "bottom": zone.Bottom}}
				tr.Children = append(tr.Children, otioClipV{
					Schema: otioClip, Name: strings.ReplaceAll(c.text, "\n", " "), Metadata: map[string]any{"kmeme": meta},
					SourceRange: rng(0, c.f1-c.f0), Effects: []any{}, Markers: []otioMarkerV{}, Enabled: true,
					MediaReferences: generator("Text", c.f1-c.f0, text), ActiveMediaReferenceKey: otioMediaKey,
				})
				at = c.f1
			}
			tracks = append(tracks, tr)
		}
	}
	if a.Audio != nil {
		bed := newTrack("음악 베드 (원본 소리, 참고용)", otioAudioKind, true, map[string]any{"layer": "music_bed"})
		bed.Children = append(bed.Children, sourceClip("원본 소리"))
		tracks = append(tracks, bed)
	}
	meta := map[string]any{"kmeme": map[string]any{
		"recipe_version": r.Version, "format": r.Concept.Format, "platform": string(r.Concept.Platform),
		"bpm": r.Audio.BPM, "source_hash": r.SourceHash, "register": string(reg), "slots": len(slots),
	}}
	tl := otioTimelineV{
		Schema: otioTimeline, Metadata: meta, Name: r.Concept.Title, GlobalStartTime: rt(0),
		Tracks: otioStackV{
			Schema: otioStack, Metadata: map[string]any{}, Name: "tracks", Effects: []any{},
			Markers: []otioMarkerV{}, Enabled: true, Children: tracks,
		},
	}
	b, err := json.MarshalIndent(tl, "", "    ")
	if err != nil {
		return nil, fmt.Errorf("encode otio: %w", err)
	}
	return append(b, '\n'), nil
}

// beatMarkers puts a zero-length marker on every beat of the analysis:
// downbeats red and named "bar N", other beats green and named "N.b".
func beatMarkers(a *kmeme.Analysis, tb timebase, rng func(int64, int64) otioTimeRange) []otioMarkerV {
	out := []otioMarkerV{}
	for _, bm := range beatMarks(a) {
		c := otioColorV{Schema: otioColor, G: 1, A: 1, Name: "GREEN"}
		kind := "beat"
		if bm.downbeat {
			c = otioColorV{Schema: otioColor, R: 1, A: 1, Name: "RED"}
			kind = "downbeat"
		}
		out = append(out, otioMarkerV{
			Schema: otioMarker, Name: bm.name, Color: c, Comment: "",
			Metadata:    map[string]any{"kmeme": map[string]any{"kind": kind, "t": bm.t}},
			MarkedRange: rng(tb.frames(bm.t), 0),
		})
	}
	return out
}
