// Package render writes the creator's files for a recipe: guide.pdf,
// storyboard.png, recipe.md, recipe.json, analysis.json; editor templates
// with one empty slot per planned shot on the beat grid (timeline.fcpxml,
// timeline.otio, timeline.premiere.xml, timeline.edl); subtitles in both
// registers placed in the platform safe zone (captions*.srt,
// subtitles.*.ass); the animatic preview.mp4 (ffmpeg, through media) and
// kmeme-bundle.zip. It needs no database and no network; the Hangul fonts
// come from the Debian package fonts-nanum.
package render

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// File names written into the output directory.
const (
	FileAnalysis   = "analysis.json"
	FileRecipe     = "recipe.json"
	FileMarkdown   = "recipe.md"
	FileGuide      = "guide.pdf"
	FileStoryboard = "storyboard.png"
	FileSRT        = "captions.srt" // the chosen register
	FileSRTCasual  = "captions.casual.srt"
	FileSRTPolite  = "captions.polite.srt"
	FileASS        = "subtitles.9x16.ass"
	FileASSWide    = "subtitles.16x9.ass"
	FileOTIO       = "timeline.otio"
	FileFCPXML     = "timeline.fcpxml"
	FileXMEML      = "timeline.premiere.xml" // FCP 7 XML, Premiere Pro's import
	FileEDL        = "timeline.edl"
	FilePreview    = "preview.mp4"
	FileBundle     = "kmeme-bundle.zip"
)

// Options tune WriteAllWith. The zero value is usable.
type Options struct {
	// KeyframeDir holds the keyframe JPEGs named in Analysis.Shots.
	KeyframeDir string
	// SourcePath is the source video; the timelines link to it. Empty
	// means the timelines carry a placeholder reference.
	SourcePath string
	// FontDir is searched first for NanumGothic.ttf.
	FontDir string
	// Register picks the caption register of captions.srt and the
	// storyboard (default casual).
	Register kmeme.Register
	// Progress, when set, is told the name of each file as it is written.
	Progress func(file string, frac float64)
	// Preview renders preview.mp4 too (ffmpeg, a few seconds), over the
	// sound of SourcePath.
	Preview bool
	// Bundle writes kmeme-bundle.zip last: every file written, a README
	// and the keyframes of KeyframeDir.
	Bundle bool
	// PreviewOptions tune the preview; its KeyframeDir, FontDir and
	// Register come from the fields above, its SourcePath too unless set
	// (the service gives the preview a scratch copy of the source while
	// the timelines name it source.mp4).
	PreviewOptions PreviewOptions
}

// WriteAll writes every file for a and r into dir (created if needed) and
// returns their paths in the order written. It is what `kmeme remix` and the
// job worker call.
func WriteAll(ctx context.Context, dir string, a *kmeme.Analysis, r *kmeme.Recipe, keyframeDir string) ([]string, error) {
	return WriteAllWith(ctx, dir, a, r, Options{KeyframeDir: keyframeDir})
}

// WriteAllWith is WriteAll with options.
func WriteAllWith(ctx context.Context, dir string, a *kmeme.Analysis, r *kmeme.Recipe, o Options) ([]string, error) {
	if a == nil || r == nil || len(r.Shots) == 0 {
		return nil, kmeme.Errorf(kmeme.EINVALID, "render needs an analysis and a recipe with shots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory %s: %w", dir, err)
	}
	src := ""
	if o.SourcePath != "" {
		if abs, err := filepath.Abs(o.SourcePath); err == nil {
			src = (&url.URL{Scheme: "file", Path: abs}).String()
		}
	}
	steps := []struct {
		name string
		make func() ([]byte, error)
	}{
		{FileAnalysis, func() ([]byte, error) { return jsonBytes(a) }},
		{FileRecipe, func() ([]byte, error) { return jsonBytes(r) }},
		{FileMarkdown, func() ([]byte, error) { return Markdown(r), nil }},
		{FileSRT, func() ([]byte, error) { return SRT(r, o.Register), nil }},
		{FileSRTCasual, func() ([]byte, error) { return SRT(r, kmeme.RegisterCasual), nil }},
		{FileSRTPolite, func() ([]byte, error) { return SRT(r, kmeme.RegisterPolite), nil }},
		{FileASS, func() ([]byte, error) { return ASS(a, r, o.Register, assPortrait[0], assPortrait[1]), nil }},
		{FileASSWide, func() ([]byte, error) { return ASS(a, r, o.Register, assLandscape[0], assLandscape[1]), nil }},
		{FileOTIO, func() ([]byte, error) { return OTIO(a, r, src, o.Register) }},
		{FileFCPXML, func() ([]byte, error) { return FCPXML(a, r, src, o.Register) }},
		{FileXMEML, func() ([]byte, error) { return XMEML(a, r, src, o.Register) }},
		{FileEDL, func() ([]byte, error) { return EDL(a, r), nil }},
		{FileStoryboard, func() ([]byte, error) { return StoryboardPNG(a, r, o.KeyframeDir, o.FontDir, o.Register) }},
		{FileGuide, func() ([]byte, error) { return GuidePDF(a, r, o.KeyframeDir, o.FontDir) }},
	}
	// The text files take no time; the preview takes most of it.
	filesEnd := 1.0
	if o.Preview {
		filesEnd = 0.3
	}
	report := func(stage string, frac float64) {
		if o.Progress != nil {
			o.Progress(stage, frac)
		}
	}
	var out []string
	for i, st := range steps {
		if err := ctx.Err(); err != nil {
			return out, fmt.Errorf("render: %w", err)
		}
		report(st.name, filesEnd*float64(i)/float64(len(steps)))
		b, err := st.make()
		if err != nil {
			return out, fmt.Errorf("render %s: %w", st.name, err)
		}
		p := filepath.Join(dir, st.name)
		if err := writeFileAtomic(p, b); err != nil {
			return out, err
		}
		out = append(out, p)
	}
	if o.Preview {
		po := o.PreviewOptions
		po.KeyframeDir, po.FontDir, po.Register = o.KeyframeDir, o.FontDir, o.Register
		if po.SourcePath == "" {
			po.SourcePath = o.SourcePath
		}
		po.Progress = func(frac float64) { report(FilePreview, filesEnd+(0.97-filesEnd)*frac) }
		p := filepath.Join(dir, FilePreview)
		if _, err := Preview(ctx, p, a, r, po); err != nil {
			return out, fmt.Errorf("render %s: %w", FilePreview, err)
		}
		out = append(out, p)
	}
	if o.Bundle {
		report(FileBundle, 0.98)
		p := filepath.Join(dir, FileBundle)
		if err := WriteBundle(p, out, a, r, o.KeyframeDir, o.Register); err != nil {
			return out, fmt.Errorf("render %s: %w", FileBundle, err)
		}
		out = append(out, p)
	}
	report("done", 1)
	return out, nil
}

func jsonBytes(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode json: %w", err)
	}
	return append(b, '\n'), nil
}

// writeFileAtomic writes through a temporary file and a rename, so a
// reader never sees half a file.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(b)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, werr)
	}
	return nil
}
