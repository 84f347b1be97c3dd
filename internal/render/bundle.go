package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kmeme-factory/kmeme/internal/josa"
	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// bundleLayout is where each file goes in the ZIP: the guide and the
// preview at the top, each editor's timeline in a folder named for the
// editor that imports it, the subtitles together, the keyframes apart.
var bundleLayout = []struct{ file, path string }{
	{FileGuide, FileGuide},
	{FilePreview, FilePreview},
	{FileStoryboard, FileStoryboard},
	{FileMarkdown, FileMarkdown},
	{FileRecipe, FileRecipe},
	{FileAnalysis, FileAnalysis},
	{FileFCPXML, "finalcut-resolve/" + FileFCPXML},
	{FileXMEML, "premiere/" + FileXMEML},
	{FileEDL, "premiere/" + FileEDL},
	{FileOTIO, "opentimelineio/" + FileOTIO},
	{FileSRT, "subtitles/" + FileSRT},
	{FileSRTCasual, "subtitles/" + FileSRTCasual},
	{FileSRTPolite, "subtitles/" + FileSRTPolite},
	{FileASS, "subtitles/" + FileASS},
	{FileASSWide, "subtitles/" + FileASSWide},
}

// BundlePaths lists the ZIP's entries for the files named (the keyframes
// apart), in the order written: what docs/API.md and the web list.
func BundlePaths() map[string]string {
	out := map[string]string{}
	for _, l := range bundleLayout {
		out[l.file] = l.path
	}
	return out
}

// bundleReadme tells a creator which file to open in which app.
func bundleReadme(r *kmeme.Recipe, reg kmeme.Register) string {
	return fmt.Sprintf(`K-MEME Factory 편집 템플릿 — %s

먼저 보기
  preview.mp4   미리보기 영상(카운트인, 박자 점, 자막 위치)
  guide.pdf     촬영 가이드

편집 앱별로 여는 파일
  Final Cut Pro, DaVinci Resolve   finalcut-resolve/timeline.fcpxml
  Premiere Pro                     premiere/timeline.premiere.xml  (파일 › 가져오기)
                                   premiere/timeline.edl           (자막 없는 컷 목록)
  OpenTimelineIO 지원 앱            opentimelineio/timeline.otio
  CapCut, VLLO 등                   subtitles/captions.srt

타임라인 구성
  1번 트랙: 샷마다 빈 슬롯("S03 · 미디엄샷 · 3.1마디")이 박자에 맞춰 놓여 있어요. 찍은 영상으로 바꿔 넣으세요.
  아래 트랙: 원본 영상(참고용, 꺼 둠)과 원본 소리(음악 베드).
  위 트랙: 대사 자막과 예능 자막. %s 켜져 있고 %s 꺼 둔 트랙에 있어요.
  마커: 모든 박자(마디 첫 박은 "bar N").

자막 파일
  captions.srt          고른 말투(%s)
  captions.casual.srt   반말
  captions.polite.srt   존댓말
  subtitles.9x16.ass    세로 영상용, 안전 영역 안에 배치된 자막과 예능 자막(두 말투 스타일)
  subtitles.16x9.ass    가로 영상용

글꼴: 나눔스퀘어(예능 자막), 나눔고딕(대사 자막). 없으면 %s.
원본 영상이 연결되지 않으면 원본 파일로 다시 연결(relink)하세요. 웹에서 받은 묶음의 타임라인은 같은 폴더의 source.mp4를 찾아요.
`, oneLineText(r.Concept.Title), josa.Attach(registerName(reg), "이"), josa.Attach(registerName(otherRegister(reg)), "은"), registerName(reg), fontFallback)
}

// WriteBundle writes, at path and through a temporary file, the ZIP of
// the files named in files (paths in one directory, as WriteAllWith
// returns them) that the bundle holds, plus a README and the keyframes of
// a found in keyframeDir (as keyframes/keyframe-NNN.jpg, numbered by
// source shot). A file not in files (a preview that was skipped) is left
// out even if an older copy lies beside the others; the guide must be
// there.
func WriteBundle(path string, files []string, a *kmeme.Analysis, r *kmeme.Recipe, keyframeDir string, reg kmeme.Register) error {
	have := map[string]string{}
	for _, f := range files {
		have[filepath.Base(f)] = f
	}
	if _, ok := have[FileGuide]; !ok {
		return kmeme.Errorf(kmeme.EINVALID, "bundle: no %s among the files; render the files first", FileGuide)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	stamp := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // fixed, so the same files zip the same
	add := func(name string, src io.Reader, method uint16) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: stamp})
		if err != nil {
			return err
		}
		_, err = io.Copy(w, src)
		return err
	}
	if err := add("README.txt", bytes.NewReader([]byte(bundleReadme(r, chosenRegister(reg)))), zip.Deflate); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	for _, l := range bundleLayout {
		src, ok := have[l.file]
		if !ok {
			continue
		}
		f, err := os.Open(src)
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		method := zip.Deflate
		if l.file == FilePreview || l.file == FileStoryboard || l.file == FileGuide {
			method = zip.Store // already compressed
		}
		err = add(l.path, f, method)
		f.Close()
		if err != nil {
			return fmt.Errorf("bundle %s: %w", l.file, err)
		}
	}
	if keyframeDir != "" {
		for i, s := range a.Shots {
			// The published name (what recipe.json's source_keyframe says,
			// and what kmeme remix writes beside it), else the analysis's.
			name := fmt.Sprintf("keyframe-%03d.jpg", i+1)
			f, err := os.Open(filepath.Join(keyframeDir, name))
			if err != nil && s.Keyframe != "" && s.Keyframe == filepath.Base(s.Keyframe) {
				f, err = os.Open(filepath.Join(keyframeDir, s.Keyframe))
			}
			if err != nil {
				continue // rendering works without a picture; so does the bundle
			}
			err = add("keyframes/"+name, f, zip.Store)
			f.Close()
			if err != nil {
				return fmt.Errorf("bundle keyframe: %w", err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	return writeFileAtomic(path, buf.Bytes())
}
