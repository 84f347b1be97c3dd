package render

import (
	"bytes"
	"encoding/xml"
	"fmt"

	"github.com/kmeme-factory/kmeme/internal/josa"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// FCPXMLVersion is the FCPXML version written: 1.10 (Final Cut Pro 10.6+,
// DaVinci Resolve 18+).
const FCPXMLVersion = "1.10"

// basicTitleUID is Final Cut Pro's built-in Basic Title, the title every
// FCPXML exporter references; Resolve maps it to a Text+ title.
const basicTitleUID = ".../Titles.localized/Bumper:Opener.localized/Basic Title.localized/Basic Title.moti"

// Basic Title parameters (Position is in pixels from the frame centre, y up).
const (
	fcpParamPosition  = "9999/999166631/999166633/1/100/101"
	fcpParamAlignment = "9999/999166631/999166633/2/354/999169573/401"
)

type fcpxmlDoc struct {
	XMLName   xml.Name     `xml:"fcpxml"`
	Version   string       `xml:"version,attr"`
	Resources fcpResources `xml:"resources"`
	Library   fcpLibrary   `xml:"library"`
}

type fcpResources struct {
	Format fcpFormat `xml:"format"`
	Asset  fcpAsset  `xml:"asset"`
	Effect fcpEffect `xml:"effect"`
}

type fcpFormat struct {
	ID            string `xml:"id,attr"`
	Name          string `xml:"name,attr,omitempty"`
	FrameDuration string `xml:"frameDuration,attr"`
	Width         int    `xml:"width,attr"`
	Height        int    `xml:"height,attr"`
}

type fcpAsset struct {
	ID            string      `xml:"id,attr"`
	Name          string      `xml:"name,attr"`
	Start         string      `xml:"start,attr"`
	Duration      string      `xml:"duration,attr"`
	HasVideo      string      `xml:"hasVideo,attr"`
	Format        string      `xml:"format,attr,omitempty"`
	HasAudio      string      `xml:"hasAudio,attr"`
	AudioSources  string      `xml:"audioSources,attr,omitempty"`
	AudioChannels string      `xml:"audioChannels,attr,omitempty"`
	MediaRep      fcpMediaRep `xml:"media-rep"`
}

type fcpMediaRep struct {
	Kind string `xml:"kind,attr"`
	Src  string `xml:"src,attr"`
}

type fcpEffect struct {
	ID   string `xml:"id,attr"`
	Name string `xml:"name,attr"`
	UID  string `xml:"uid,attr"`
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
	Note     string   `xml:"note,omitempty"`
	Spine    fcpSpine `xml:"spine"`
}

type fcpSpine struct {
	Gaps []fcpGap `xml:"gap"`
}

// fcpGap is a slot: an empty, named stretch of the primary storyline that
// the editor replaces with their clip. Its start equals its offset, so
// times inside it read as timeline times.
type fcpGap struct {
	Name     string         `xml:"name,attr"`
	Offset   string         `xml:"offset,attr"`
	Start    string         `xml:"start,attr"`
	Duration string         `xml:"duration,attr"`
	Note     string         `xml:"note,omitempty"`
	Clips    []fcpAssetClip `xml:"asset-clip"`
	Titles   []fcpTitle     `xml:"title"`
	Markers  []fcpMarker    `xml:"marker"`
}

type fcpAssetClip struct {
	Ref       string `xml:"ref,attr"`
	Lane      int    `xml:"lane,attr,omitempty"`
	Offset    string `xml:"offset,attr"`
	Name      string `xml:"name,attr"`
	Start     string `xml:"start,attr"`
	Duration  string `xml:"duration,attr"`
	Enabled   string `xml:"enabled,attr,omitempty"`
	SrcEnable string `xml:"srcEnable,attr,omitempty"`
	AudioRole string `xml:"audioRole,attr,omitempty"`
	TCFormat  string `xml:"tcFormat,attr"`
}

type fcpTitle struct {
	Ref      string        `xml:"ref,attr"`
	Lane     int           `xml:"lane,attr"`
	Offset   string        `xml:"offset,attr"`
	Name     string        `xml:"name,attr"`
	Duration string        `xml:"duration,attr"`
	Enabled  string        `xml:"enabled,attr"`
	Params   []fcpParam    `xml:"param"`
	Text     fcpText       `xml:"text"`
	StyleDef fcpTextStyleD `xml:"text-style-def"`
}

type fcpParam struct {
	Name  string `xml:"name,attr"`
	Key   string `xml:"key,attr"`
	Value string `xml:"value,attr"`
}

type fcpText struct {
	Style fcpTextRun `xml:"text-style"`
}

type fcpTextRun struct {
	Ref  string `xml:"ref,attr"`
	Text string `xml:",chardata"`
}

type fcpTextStyleD struct {
	ID    string       `xml:"id,attr"`
	Style fcpTextStyle `xml:"text-style"`
}

type fcpTextStyle struct {
	Font        string `xml:"font,attr"`
	FontSize    string `xml:"fontSize,attr"`
	FontFace    string `xml:"fontFace,attr"`
	FontColor   string `xml:"fontColor,attr"`
	Bold        string `xml:"bold,attr,omitempty"`
	StrokeColor string `xml:"strokeColor,attr"`
	StrokeWidth string `xml:"strokeWidth,attr"`
	Alignment   string `xml:"alignment,attr"`
}

type fcpMarker struct {
	Start    string `xml:"start,attr"`
	Duration string `xml:"duration,attr"`
	Value    string `xml:"value,attr"`
	Note     string `xml:"note,attr,omitempty"`
}

// FCPXML lanes of the text and reference layers. Titles of the chosen
// register are enabled, the other register's are there but switched off.
const (
	laneCaptionChosen   = 1
	laneOvertitleChosen = 2
	laneCaptionOther    = 3
	laneOvertitleOther  = 4
	laneSourceVideo     = -1
	laneMusicBed        = -2
)

// FCPXML writes the plan as a Final Cut Pro project template: the primary
// storyline is one named gap per planned shot ("S03 · 미디엄샷 · 3.1마디")
// for the creator's own clips; under it, on a disabled lane, the source
// video for reference and the source's sound as the music bed; above it,
// captions and 예능 overtitles as Basic Titles in NanumGothic/NanumSquare at
// safe-zone positions, one set per register (reg enabled, the other off);
// a marker on every beat, downbeats named "bar N". Every time is a whole
// number of frames. sourceURL is a file:// URL of the source video, or a
// relative name when it is unknown.
func FCPXML(a *kmeme.Analysis, r *kmeme.Recipe, sourceURL string, reg kmeme.Register) ([]byte, error) {
	reg = chosenRegister(reg)
	tb := timebaseOf(a)
	w, h, hasVideo := frameSize(a)
	if sourceURL == "" {
		sourceURL = "source.mp4"
	}
	total := tb.frames(a.DurationS)
	asset := fcpAsset{
		ID: "r2", Name: "source", Start: "0s", Duration: tb.fcp(total),
		HasVideo: boolAttr(hasVideo), HasAudio: boolAttr(a.Audio != nil),
		MediaRep: fcpMediaRep{Kind: "original-media", Src: sourceURL},
	}
	if hasVideo {
		asset.Format = "r1"
	}
	if a.Audio != nil {
		asset.AudioSources, asset.AudioChannels = "1", fmt.Sprint(max(1, a.Audio.Channels))
	}
	doc := fcpxmlDoc{
		Version: FCPXMLVersion,
		Resources: fcpResources{
			Format: fcpFormat{ID: "r1", FrameDuration: tb.frameDuration(), Width: w, Height: h},
			Asset:  asset,
			Effect: fcpEffect{ID: "r3", Name: "Basic Title", UID: basicTitleUID},
		},
	}
	slots := slotsOf(a, r, tb)
	marks := beatMarks(a)
	zone := safeZoneFor(w, h)
	styleN := 0
	gaps := make([]fcpGap, len(slots))
	for i, sl := range slots {
		g := fcpGap{Name: sl.name, Offset: tb.fcp(sl.f0), Start: tb.fcp(sl.f0), Duration: tb.fcp(sl.f1 - sl.f0), Note: noteOf(sl.shot)}
		if i == 0 {
			if hasVideo {
				g.Clips = append(g.Clips, fcpAssetClip{Ref: "r2", Lane: laneSourceVideo, Offset: "0s", Start: "0s",
					Duration: tb.fcp(total), Name: "원본 영상 (참고용, 꺼 둠)", Enabled: "0", SrcEnable: "video", TCFormat: "NDF"})
			}
			if a.Audio != nil {
				g.Clips = append(g.Clips, fcpAssetClip{Ref: "r2", Lane: laneMusicBed, Offset: "0s", Start: "0s",
					Duration: tb.fcp(total), Name: "음악 베드 (원본 소리, 참고용)", SrcEnable: "audio", AudioRole: "music", TCFormat: "NDF"})
			}
		}
		for _, m := range marks {
			if mf := tb.frames(m.t); mf >= sl.f0 && mf < sl.f1 {
				g.Markers = append(g.Markers, fcpMarker{Start: tb.fcp(mf), Duration: tb.fcp(1), Value: m.name})
			}
		}
		gaps[i] = g
	}
	// Titles ride on the gap of their shot, so moving a slot moves its text.
	byShot := map[int]int{}
	for i, sl := range slots {
		byShot[sl.shot.N] = i
	}
	for _, rg := range registers {
		on := rg == reg
		for _, kind := range []cueKind{cueCaption, cueOvertitle} {
			lane := laneFor(kind, on)
			for _, c := range cuesOf(slots, kind, rg, tb) {
				styleN++
				gi := byShot[c.shot]
				gaps[gi].Titles = append(gaps[gi].Titles, fcpTitleOf(c, tb, zone, lane, on, styleN))
			}
		}
	}
	doc.Library.Event = fcpEvent{Name: "K-MEME Factory", Project: fcpProject{
		Name: r.Concept.Title,
		Sequence: fcpSequence{
			Format: "r1", Duration: tb.fcp(slots[len(slots)-1].f1), TCStart: "0s", TCFormat: "NDF",
			Note:  fmt.Sprintf("K-MEME 템플릿: 빈 슬롯 %d개에 직접 찍은 영상을 넣으세요. 자막은 %s 켜져 있고 %s 꺼 둔 레인에 있어요.", len(slots), josa.Attach(registerName(reg), "이"), josa.Attach(registerName(otherRegister(reg)), "은")),
			Spine: fcpSpine{Gaps: gaps},
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

func laneFor(kind cueKind, chosen bool) int {
	switch {
	case kind == cueCaption && chosen:
		return laneCaptionChosen
	case kind == cueOvertitle && chosen:
		return laneOvertitleChosen
	case kind == cueCaption:
		return laneCaptionOther
	}
	return laneOvertitleOther
}

func otherRegister(reg kmeme.Register) kmeme.Register {
	if reg == kmeme.RegisterPolite {
		return kmeme.RegisterCasual
	}
	return kmeme.RegisterPolite
}

// fcpTitleOf is one Basic Title placed in the safe zone: overtitles at the
// top in bold NanumSquare yellow, captions at the bottom in NanumGothic
// Bold white, both with a black stroke.
func fcpTitleOf(c textCue, tb timebase, z safeZone, lane int, on bool, n int) fcpTitle {
	lay := layoutCue(c, z)
	// Basic Title's Position is the text block's centre from the frame's
	// centre, y up.
	px, py := lay.cx-z.W/2, z.H/2-(lay.y0+lay.y1)/2
	style := fcpTextStyle{Font: lay.font, FontSize: fmt.Sprint(lay.size), FontFace: "Bold", Bold: "1",
		FontColor: lay.fcpColor, StrokeColor: "0 0 0 1", StrokeWidth: fmt.Sprintf("-%d", lay.outline), Alignment: "center"}
	label := "자막"
	if c.kind == cueOvertitle {
		label = "예능 자막"
	}
	id := fmt.Sprintf("ts%d", n)
	return fcpTitle{
		Ref: "r3", Lane: lane, Offset: tb.fcp(c.f0), Duration: tb.fcp(c.f1 - c.f0), Enabled: boolAttr(on),
		Name: fmt.Sprintf("%s · %s · S%02d", label, registerName(c.reg), c.shot),
		Params: []fcpParam{
			{Name: "Position", Key: fcpParamPosition, Value: fmt.Sprintf("%d %d", px, py)},
			{Name: "Alignment", Key: fcpParamAlignment, Value: "1 (Center)"},
		},
		Text:     fcpText{Style: fcpTextRun{Ref: id, Text: c.text}},
		StyleDef: fcpTextStyleD{ID: id, Style: style},
	}
}

func boolAttr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func noteOf(s kmeme.PlannedShot) string {
	n := s.Film
	if s.Action != "" {
		n += " · " + s.Action
	}
	if s.Role != "" {
		n += " · 역할: " + string(s.Role)
	}
	if s.SourceText != "" {
		n += " · 원본 화면 텍스트: " + s.SourceText
	}
	return n
}
