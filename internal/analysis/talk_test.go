package analysis

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kmeme-factory/kmeme/internal/beat"
	"github.com/kmeme-factory/kmeme/internal/media/mediatest"
)

// talkClip is two Korean sentences said by espeak-ng at speed (words a
// minute), 0.5 s in, 0.6 s apart, with a second of silence after; under
// bed (an ffmpeg aevalsrc expression) when bed is not "".
func talkClip(t *testing.T, a, b string, speed int, bed string) string {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Fatal("espeak-ng is not installed (scripts/apt-packages.txt has it; run scripts/setup.sh)")
	}
	dir := t.TempDir()
	var wavs []string
	for i, l := range []string{a, b} {
		w := filepath.Join(dir, fmt.Sprintf("s%d.wav", i))
		if out, err := exec.Command("espeak-ng", "-v", "ko", "-s", fmt.Sprint(speed), "-w", w, l).CombinedOutput(); err != nil {
			t.Fatalf("espeak-ng: %v: %s", err, out)
		}
		wavs = append(wavs, w)
	}
	talk := "[0:a]aresample=22050,adelay=500|500[a];[1:a]aresample=22050,adelay=600|600,apad=pad_dur=1[b];[a][b]concat=n=2:v=0:a=1[t]"
	args := []string{"-i", wavs[0], "-i", wavs[1]}
	if bed == "" {
		args = append(args, "-filter_complex", talk, "-map", "[t]")
	} else {
		args = append(args, "-f", "lavfi", "-i", "aevalsrc='"+bed+"':s=22050:d=30",
			"-filter_complex", talk+";[t][2:a]amix=inputs=2:duration=first:normalize=0[m]", "-map", "[m]")
	}
	return mediatest.FFmpeg(t, "talk.wav", append(args, "-ac", "1")...)
}

// TestShortTalkHasNoTempo: two sentences of talk, the length of a
// short-form clip, have no tempo, even when a line is said twice or the
// speech has few pauses (issue 10: the old decision gave these 82–168
// BPM at confidence 0.36–1.0; a clip under 12 s has no stretches to check
// the pulse against). The sound classifier hears talk and no music, and
// that decides. The same talk over a steady beat keeps its tempo.
func TestShortTalkHasNoTempo(t *testing.T) {
	t.Parallel()
	const (
		l0 = "안녕하세요 오늘은 정말 좋은 날이에요"
		l1 = "이 영상은 꼭 끝까지 보세요"
		l2 = "여러분 이거 진짜 대박이에요"
		l3 = "오늘의 챌린지를 시작해 볼게요"
		l5 = "이건 제가 제일 좋아하는 장면이에요"
	)
	for _, tc := range []struct {
		a, b  string
		speed int
	}{{l0, l3, 150}, {l2, l1, 189}, {l0, l0, 176}, {l3, l0, 150}, {l1, l1, 176}, {l5, l0, 150}} {
		a, err := Run(context.Background(), talkClip(t, tc.a, tc.b, tc.speed, ""), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if a.Tempo.BPM != nil || a.Tempo.Reason != beat.ReasonSpeech || len(a.Beats) != 0 {
			t.Errorf("talk %q + %q at %d: tempo %+v (%d beats), want no tempo: %q", tc.a, tc.b, tc.speed, a.Tempo, len(a.Beats), beat.ReasonSpeech)
		}
	}
	// 100 BPM: a low kick on the beat, a hat on the off-beat, a held note
	bed := "0.8*sin(2*PI*60*t)*exp(-mod(t,0.6)*20)+0.3*sin(2*PI*5000*t)*exp(-mod(t+0.3,0.6)*60)+0.1*sin(2*PI*220*t)"
	a, err := Run(context.Background(), talkClip(t, l0, l3, 150, bed), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Tempo.BPM == nil || (*a.Tempo.BPM < 98 || *a.Tempo.BPM > 102) && (*a.Tempo.BPM < 196 || *a.Tempo.BPM > 204) {
		t.Errorf("talk over a 100 BPM beat: tempo %+v, want 100 (or 200)", a.Tempo)
	}
}
