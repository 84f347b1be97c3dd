package render

import (
	"bytes"
	"encoding/xml"
	"fmt"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// FCPXMLVersion is the FCPXML version written: 1.9 (Final Cut Pro 10.4.9+,
// read by DaVinci Resolve), the first with media-rep.
const FCPXMLVersion = "1.9"

type fcpxmlDoc struct {
	XMLName   xml.Name     `xml:"fcpxml"`
	Version   string       `xml:"version,attr"`
	Resources fcpResources `xml:"resources"`
	Library   fcpLibrary   `xml:"library"`
}

type fcpResources struct {
	Format fcpFormat `xml:"format"`
	Asset  fcpAsset  `xml:"asset"`
}

type fcpFormat struct {
	ID            string `xml:"id,attr"`
	Name          string `xml:"name,attr,omitempty"`
	FrameDuration string `xml:"frameDuration,attr"`
	Width         int    `xml:"width,attr"`
	Height        int    `xml:"height,attr"`
}

type fcpAsset struct {
	ID       string      `xml:"id,attr"`
	Name     string      `xml:"name,attr"`
	Start    string      `xml:"start,attr"`
	Duration string      `xml:"duration,attr"`
	HasVideo string      `xml:"hasVideo,attr"`
	HasAudio string      `xml:"hasAudio,attr"`
	Format   string      `xml:"format,attr"`
	MediaRep fcpMediaRep `xml:"media-rep"`
}

type fcpMediaRep struct {
	Kind string `xml:"kind,attr"`
	Src  string `xml:"src,attr"`
}

type fcpLibrary struct {
	Event fcpEvent `xml:"event"`
}

type fcpEvent struct {
	Name    string     `xml:"name,attr"`
	Project fcpProject `xml:"project"`
}

type fcpProject struct {
	Name     string      `xml:"name,attr"`
	Sequence fcpSequence `xml:"sequence"`
}

type fcpSequence struct {
	Format   string   `xml:"format,attr"`
	Duration string   `xml:"duration,attr"`
	TCStart  string   `xml:"tcStart,attr"`
	TCFormat string   `xml:"tcFormat,attr"`
	Spine    fcpSpine `xml:"spine"`
}

type fcpSpine struct {
	Clips []fcpAssetClip `xml:"asset-clip"`
}

type fcpAssetClip struct {
	Ref      string      `xml:"ref,attr"`
	Offset   string      `xml:"offset,attr"`
	Name     string      `xml:"name,attr"`
	Start    string      `xml:"start,attr"`
	Duration string      `xml:"duration,attr"`
	TCFormat string      `xml:"tcFormat,attr"`
	Note     string      `xml:"note,omitempty"`
	Markers  []fcpMarker `xml:"marker"`
}

type fcpMarker struct {
	Start    string `xml:"start,attr"`
	Duration string `xml:"duration,attr"`
	Value    string `xml:"value,attr"`
	Note     string `xml:"note,attr,omitempty"`
}

// FCPXML writes the plan as a Final Cut Pro XML project: one asset-clip per
// planned shot on the spine (a trim of the source on the plan's frames),
// with a marker on every beat inside it, downbeats named "bar N". Every
// time is a whole number of frames. sourceURL is a file:// URL of the
// source video, or a relative name when it is unknown.
func FCPXML(a *kmeme.Analysis, r *kmeme.Recipe, sourceURL string) ([]byte, error) {
	tb := timebaseOf(a)
	w, h, hasVideo := 1080, 1920, "0"
	if a.Video != nil && a.Video.Width > 0 && a.Video.Height > 0 {
		w, h, hasVideo = a.Video.Width, a.Video.Height, "1"
	}
	hasAudio := "0"
	if a.Audio != nil {
		hasAudio = "1"
	}
	if sourceURL == "" {
		sourceURL = "source.mp4"
	}
	total := tb.frames(a.DurationS)
	doc := fcpxmlDoc{
		Version: FCPXMLVersion,
		Resources: fcpResources{
			Format: fcpFormat{ID: "r1", FrameDuration: tb.frameDuration(), Width: w, Height: h},
			Asset: fcpAsset{
				ID: "r2", Name: "source", Start: "0s", Duration: tb.fcp(total),
				HasVideo: hasVideo, HasAudio: hasAudio, Format: "r1",
				MediaRep: fcpMediaRep{Kind: "original-media", Src: sourceURL},
			},
		},
	}
	marks := beatMarks(a)
	var clips []fcpAssetClip
	for _, s := range r.Shots {
		f0, f1 := tb.frames(s.Start), tb.frames(s.End)
		c := fcpAssetClip{
			Ref: "r2", Offset: tb.fcp(f0), Start: tb.fcp(f0), Duration: tb.fcp(f1 - f0), TCFormat: "NDF",
			Name: fmt.Sprintf("Shot %d — %s", s.N, s.Film),
			Note: noteOf(s),
		}
		// A marker's start is in the clip's source time, which here equals
		// the timeline time because each clip trims the source in place.
		for _, m := range marks {
			mf := tb.frames(m.t)
			if mf < f0 || mf >= f1 {
				continue
			}
			c.Markers = append(c.Markers, fcpMarker{Start: tb.fcp(mf), Duration: tb.fcp(1), Value: m.name})
		}
		clips = append(clips, c)
	}
	doc.Library.Event = fcpEvent{Name: "K-MEME Factory", Project: fcpProject{
		Name: r.Concept.Title,
		Sequence: fcpSequence{
			Format: "r1", Duration: tb.fcp(tb.frames(r.Shots[len(r.Shots)-1].End)), TCStart: "0s", TCFormat: "NDF",
			Spine: fcpSpine{Clips: clips},
		},
	}}
	var b bytes.Buffer
	b.WriteString(xml.Header + "<!DOCTYPE fcpxml>\n\n")
	enc := xml.NewEncoder(&b)
	enc.Indent("", "    ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode fcpxml: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func noteOf(s kmeme.PlannedShot) string {
	n := s.Framing + " · " + s.Action
	if s.Overtitle != "" {
		n += " · 자막: " + s.Overtitle
	}
	return n
}
