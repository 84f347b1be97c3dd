package render

import (
	"encoding/json"
	"fmt"

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
	Schema                  string                  `json:"OTIO_SCHEMA"`
	Metadata                map[string]any          `json:"metadata"`
	Name                    string                  `json:"name"`
	SourceRange             otioTimeRange           `json:"source_range"`
	Effects                 []any                   `json:"effects"`
	Markers                 []otioMarkerV           `json:"markers"`
	Enabled                 bool                    `json:"enabled"`
	MediaReferences         map[string]otioMediaRef `json:"media_references"`
	ActiveMediaReferenceKey string                  `json:"active_media_reference_key"`
}

type otioTrackV struct {
	Schema      string         `json:"OTIO_SCHEMA"`
	Metadata    map[string]any `json:"metadata"`
	Name        string         `json:"name"`
	SourceRange *otioTimeRange `json:"source_range"`
	Effects     []any          `json:"effects"`
	Markers     []otioMarkerV  `json:"markers"`
	Enabled     bool           `json:"enabled"`
	Children    []otioClipV    `json:"children"`
	Kind        string         `json:"kind"`
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

// OTIO writes the plan as an OpenTimelineIO timeline: one video track with
// one clip per planned shot (a trim of the source, so the editor opens a
// guide cut on the plan's frames) and a marker on every beat, downbeats in
// red and named by bar. sourceURL may be empty; the clips then carry a
// MissingReference.
func OTIO(a *kmeme.Analysis, r *kmeme.Recipe, sourceURL string) ([]byte, error) {
	tb := timebaseOf(a)
	rate := tb.rate()
	rt := func(frames int64) otioTime { return otioTime{Schema: otioRational, Rate: rate, Value: float64(frames)} }
	rng := func(start, dur int64) otioTimeRange {
		return otioTimeRange{Schema: otioRange, StartTime: rt(start), Duration: rt(dur)}
	}
	total := tb.frames(a.DurationS)
	ref := otioMediaRef{Schema: otioMissing, Metadata: map[string]any{}, Name: "source"}
	avail := rng(0, total)
	ref.AvailableRange = &avail
	if sourceURL != "" {
		ref.Schema, ref.TargetURL = otioExternal, sourceURL
	}
	track := otioTrackV{
		Schema: otioTrack, Metadata: map[string]any{}, Name: "Remix plan", Effects: []any{},
		Enabled: true, Kind: otioVideoKind, Markers: beatMarkers(a, tb, rng),
		Children: make([]otioClipV, 0, len(r.Shots)),
	}
	for _, s := range r.Shots {
		f0, f1 := tb.frames(s.Start), tb.frames(s.End)
		track.Children = append(track.Children, otioClipV{
			Schema: otioClip, Name: fmt.Sprintf("Shot %d", s.N),
			Metadata: map[string]any{"kmeme": map[string]any{
				"shot": s.N, "section": string(s.Section), "film": s.Film, "framing": s.Framing,
				"action": s.Action, "overtitle": s.Overtitle, "caption_casual": s.Caption.Casual,
				"caption_polite": s.Caption.Polite, "start_beat": s.StartBeat, "source_shot": s.SourceShot,
			}},
			SourceRange: rng(f0, f1-f0), Effects: []any{}, Markers: []otioMarkerV{}, Enabled: true,
			MediaReferences:         map[string]otioMediaRef{otioMediaKey: ref},
			ActiveMediaReferenceKey: otioMediaKey,
		})
	}
	meta := map[string]any{"kmeme": map[string]any{
		"recipe_version": r.Version, "format": r.Concept.Format, "platform": string(r.Concept.Platform),
		"bpm": r.Audio.BPM, "source_hash": r.SourceHash,
	}}
	tl := otioTimelineV{
		Schema: otioTimeline, Metadata: meta, Name: r.Concept.Title, GlobalStartTime: rt(0),
		Tracks: otioStackV{
			Schema: otioStack, Metadata: map[string]any{}, Name: "tracks", Effects: []any{},
			Markers: []otioMarkerV{}, Enabled: true, Children: []otioTrackV{track},
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
