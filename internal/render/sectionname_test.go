package render

import (
	"testing"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// TestSectionNamesAreKorean: every section label the analysis writes reads
// in Korean in the shot list (a flat clip is all "verse").
func TestSectionNamesAreKorean(t *testing.T) {
	for _, l := range []kmeme.SectionLabel{kmeme.SectionIntro, kmeme.SectionVerse, kmeme.SectionBuild, kmeme.SectionDrop, kmeme.SectionBreak, kmeme.SectionOutro, kmeme.SectionSpeech} {
		n := sectionName(l)
		for _, r := range n {
			if r < 0xAC00 || r > 0xD7A3 {
				t.Errorf("section %q reads %q", l, n)
				break
			}
		}
	}
}
