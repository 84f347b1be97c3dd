package render

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// FontDirs are searched, in order, for the Hangul fonts (Debian package
// fonts-nanum). KMEME_FONT_DIR, when set by the caller through Options,
// comes first.
var FontDirs = []string{
	"/usr/share/fonts/truetype/nanum",
	"/usr/share/fonts/nanum",
	"/usr/local/share/fonts/nanum",
	"/Library/Fonts",
}

// Font files: regular and bold.
const (
	fontRegular = "NanumGothic.ttf"
	fontBold    = "NanumGothicBold.ttf"
)

// findFont returns the path of a Hangul font file, or EUNAVAILABLE.
func findFont(extraDir, name string) (string, error) {
	dirs := FontDirs
	if extraDir != "" {
		dirs = append([]string{extraDir}, dirs...)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", &kmeme.Error{Code: kmeme.EUNAVAILABLE, Message: fmt.Sprintf("Korean font %s not found (install the Debian package fonts-nanum)", name)}
}

var (
	fontMu    sync.Mutex
	fontCache = map[string]*opentype.Font{}
)

// loadFont parses a font file once per process.
func loadFont(path string) (*opentype.Font, error) {
	fontMu.Lock()
	defer fontMu.Unlock()
	if f, ok := fontCache[path]; ok {
		return f, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read font: %w", err)
	}
	f, err := opentype.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", path, err)
	}
	fontCache[path] = f
	return f, nil
}

// loadFontBytes parses a font held in memory.
func loadFontBytes(b []byte) (*opentype.Font, error) {
	f, err := opentype.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("parse font: %w", err)
	}
	return f, nil
}

// hasGlyph reports whether f has a real glyph (not .notdef) for r.
func hasGlyph(f *opentype.Font, r rune) bool {
	var buf sfnt.Buffer
	i, err := f.GlyphIndex(&buf, r)
	return err == nil && i != 0
}

func newFace(f *opentype.Font, size float64) (font.Face, error) {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("font face: %w", err)
	}
	return face, nil
}
