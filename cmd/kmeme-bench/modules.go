package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kmeme-factory/kmeme/internal/beat"
)

// A tracker module (MOD, XM) is real music whose tempo is written in the
// file: every row lasts speed × 2.5 / tempo seconds, and the speed and
// tempo only change through the F effect. Playing the order list row by
// row gives the exact time of every row, so the beat grid is known to the
// sample; no one has to tap it.

// modRow is one played row: its time, its pattern row, whether a note
// starts in it and how many notes do.
type modRow struct {
	t     float64
	row   int // row inside its pattern
	notes int
}

// modCell is one channel's entry in a row.
type modCell struct {
	note        bool
	effect, arg byte
}

// module is the part of a MOD or XM file the timeline needs.
type module struct {
	format        string
	orders        []int
	patterns      [][][]modCell // pattern → row → channel
	speed, tempo  int
	restartOrder  int
	channels      int
	effectIsExtXM bool
}

// parseModule reads a ProTracker-style MOD or a FastTracker 2 XM.
func parseModule(b []byte) (*module, error) {
	if bytes.HasPrefix(b, []byte("Extended Module: ")) {
		return parseXM(b)
	}
	return parseMOD(b)
}

func parseMOD(b []byte) (*module, error) {
	if len(b) < 1084 {
		return nil, errors.New("mod: too short")
	}
	sig := string(b[1080:1084])
	ch := 0
	switch {
	case sig == "M.K." || sig == "M!K!" || sig == "FLT4" || sig == "4CHN":
		ch = 4
	case len(sig) == 4 && sig[1:] == "CHN" && sig[0] >= '1' && sig[0] <= '9':
		ch = int(sig[0] - '0')
	case len(sig) == 4 && sig[2:] == "CH":
		ch = int(sig[0]-'0')*10 + int(sig[1]-'0')
	default:
		return nil, fmt.Errorf("mod: unknown signature %q", sig)
	}
	m := &module{format: "mod", speed: 6, tempo: 125, channels: ch}
	n := int(b[950])
	if n == 0 || n > 128 {
		return nil, errors.New("mod: bad song length")
	}
	np := 0
	for i := range 128 {
		np = max(np, int(b[952+i])+1)
	}
	for i := range n {
		m.orders = append(m.orders, int(b[952+i]))
	}
	off := 1084
	for range np {
		pat := make([][]modCell, 64)
		for r := range 64 {
			pat[r] = make([]modCell, ch)
			for c := range ch {
				if off+4 > len(b) {
					return nil, errors.New("mod: truncated pattern data")
				}
				x := b[off : off+4]
				period := int(x[0]&0x0f)<<8 | int(x[1])
				pat[r][c] = modCell{note: period > 0, effect: x[2] & 0x0f, arg: x[3]}
				off += 4
			}
		}
		m.patterns = append(m.patterns, pat)
	}
	return m, nil
}

func parseXM(b []byte) (*module, error) {
	if len(b) < 80 {
		return nil, errors.New("xm: too short")
	}
	le16 := func(i int) int { return int(binary.LittleEndian.Uint16(b[i:])) }
	le32 := func(i int) int { return int(binary.LittleEndian.Uint32(b[i:])) }
	hsize := le32(60)
	n, restart, ch, np := le16(64), le16(66), le16(68), le16(70)
	m := &module{format: "xm", speed: le16(76), tempo: le16(78), channels: ch, restartOrder: restart, effectIsExtXM: true}
	if n == 0 || n > 256 || ch == 0 || ch > 64 || 80+n > len(b) {
		return nil, errors.New("xm: bad header")
	}
	for i := range n {
		m.orders = append(m.orders, int(b[80+i]))
	}
	off := 60 + hsize
	for range np {
		if off+9 > len(b) {
			return nil, errors.New("xm: truncated pattern header")
		}
		plen, rows, size := le32(off), le16(off+5), le16(off+7)
		off += plen
		if off+size > len(b) {
			return nil, errors.New("xm: truncated pattern")
		}
		pat := make([][]modCell, rows)
		p := off
		for r := range rows {
			pat[r] = make([]modCell, ch)
			for c := 0; c < ch && size > 0; c++ {
				var note, eff, arg byte
				k := b[p]
				if k&0x80 != 0 {
					p++
					if k&1 != 0 {
						note = b[p]
						p++
					}
					if k&2 != 0 {
						p++
					}
					if k&4 != 0 {
						p++
					}
					if k&8 != 0 {
						eff = b[p]
						p++
					}
					if k&16 != 0 {
						arg = b[p]
						p++
					}
				} else {
					note, eff, arg = b[p], b[p+3], b[p+4]
					p += 5
				}
				pat[r][c] = modCell{note: note > 0 && note < 97, effect: eff, arg: arg}
			}
		}
		if size == 0 { // an empty pattern: 64 empty rows
			pat = make([][]modCell, max(rows, 1))
			for r := range pat {
				pat[r] = make([]modCell, ch)
			}
		}
		m.patterns = append(m.patterns, pat)
		off += size
	}
	return m, nil
}

// timeline plays the order list for durS seconds and returns every row
// with its time, and the seconds spent at each (speed, tempo) pair.
func (m *module) timeline(durS float64) ([]modRow, map[[2]int]float64) {
	var out []modRow
	spent := map[[2]int]float64{}
	speed, tempo := m.speed, m.tempo
	if speed <= 0 {
		speed = 6
	}
	if tempo < 32 {
		tempo = 125
	}
	t := 0.0
	ord, row := 0, 0
	visits := 0
	for t < durS && visits < 100000 {
		visits++
		if ord >= len(m.orders) {
			ord = m.restartOrder
			if ord >= len(m.orders) {
				break
			}
		}
		pi := m.orders[ord]
		if pi >= len(m.patterns) { // "+++" markers and the end marker of S3M-style orders
			ord++
			row = 0
			continue
		}
		pat := m.patterns[pi]
		if row >= len(pat) {
			ord, row = ord+1, 0
			continue
		}
		cells := pat[row]
		nextOrd, nextRow := -1, -1
		delay := 0
		notes := 0
		for _, c := range cells {
			if c.note {
				notes++
			}
			switch c.effect {
			case 0x0f:
				switch {
				case c.arg == 0:
				case c.arg < 32:
					speed = int(c.arg)
				default:
					tempo = int(c.arg)
				}
			case 0x0b:
				nextOrd, nextRow = int(c.arg), 0
			case 0x0d:
				if nextOrd < 0 {
					nextOrd = ord + 1
				}
				nextRow = int(c.arg>>4)*10 + int(c.arg&0x0f)
			case 0x0e:
				if c.arg>>4 == 0x0e {
					delay = int(c.arg & 0x0f)
				}
			}
		}
		out = append(out, modRow{t: t, row: row, notes: notes})
		d := float64(speed*(1+delay)) * 2.5 / float64(tempo)
		spent[[2]int{speed, tempo}] += d
		t += d
		if nextOrd >= 0 { // a jump back loops the song; the excerpt may be longer than it
			ord, row = nextOrd, nextRow
		} else {
			row++
		}
	}
	return out, spent
}

// moduleTruth derives tempo, beats and downbeats from the row timeline:
// four rows a beat (the trackers' convention) unless that puts the tempo
// outside 60–200 BPM, sixteen rows a bar, bars starting at pattern row 0.
// It fails when the speed or tempo changes inside the excerpt for more
// than a tenth of it: the truth would not be one tempo.
func moduleTruth(rows []modRow, spent map[[2]int]float64, durS float64) (bpm float64, beats, downs []float64, err error) {
	var main [2]int
	var total, best float64
	for k, s := range spent {
		total += s
		if s > best {
			main, best = k, s
		}
	}
	if total == 0 || best < 0.9*total {
		return 0, nil, nil, fmt.Errorf("speed/tempo change inside the excerpt (%v)", spent)
	}
	rowS := float64(main[0]) * 2.5 / float64(main[1])
	perBeat := 4
	for 60/(float64(perBeat)*rowS) > 200 && perBeat < 16 {
		perBeat *= 2
	}
	for 60/(float64(perBeat)*rowS) < 60 && perBeat > 1 {
		perBeat /= 2
	}
	bpm = 60 / (float64(perBeat) * rowS)
	for _, r := range rows {
		if r.t > durS-0.3 {
			break
		}
		if r.row%perBeat == 0 {
			beats = append(beats, round3(r.t))
			if r.row%(4*perBeat) == 0 {
				downs = append(downs, round3(r.t))
			}
		}
	}
	return math.Round(bpm*100) / 100, beats, downs, nil
}

// realItems renders every MOD/XM file under dir (durS seconds each, from
// the start of the song) into audio items of the "real-dev" and
// "real-test" splits (all into "real-dev2" with extra): the truth is the
// module's own row grid, checked against the onsets of the rendering.
func realItems(ctx context.Context, dir, out string, durS float64, extra bool) ([]Truth, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		low := strings.ToLower(p)
		if !d.IsDir() && (strings.HasSuffix(low, ".mod") || strings.HasSuffix(low, ".xm")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var truths []Truth
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m, err := parseModule(b)
		if err != nil {
			fmt.Fprintf(os.Stderr, "skip %s: %v\n", f, err)
			continue
		}
		rows, spent := m.timeline(durS)
		bpm, beats, downs, err := moduleTruth(rows, spent, durS)
		if err != nil {
			fmt.Fprintf(os.Stderr, "skip %s: %v\n", f, err)
			continue
		}
		split := "real-dev"
		if i%3 == 1 { // a held-out slice: never tuned on
			split = "real-test"
		}
		base := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		name := fmt.Sprintf("real-%02d-%s-%s", i, split[5:], base)
		if extra {
			split = "real-dev2"
			name = fmt.Sprintf("real-x%02d-dev2-%s", i, base)
		}
		wav := filepath.Join(out, name+".wav")
		cmd := exec.CommandContext(ctx, "openmpt123", "--batch", "--quiet", "--samplerate", fmt.Sprint(audioRate), "--channels", "1",
			"--end-time", fmt.Sprintf("%g", durS), "--force", "-o", wav, f)
		if o, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("openmpt123 %s: %v: %s", f, err, tail(string(o), 400))
		}
		if ok, why := verifyGrid(ctx, wav, rows, durS); !ok {
			fmt.Fprintf(os.Stderr, "skip %s: row grid does not match the rendering: %s\n", f, why)
			os.Remove(wav)
			continue
		}
		meter := 4
		tr := Truth{Name: name, Split: split, File: name + ".wav", Audio: "module:" + m.format, DurationS: durS, BPM: &bpm, Meter: meter,
			Beats: beats, Downbeats: downs, Cuts: []TruthCut{}, Flashes: []float64{}, Captions: []float64{}}
		fmt.Fprintf(os.Stderr, "real      %-40s %-10s %6.2f BPM  %d beats\n", name, split, bpm, len(beats))
		truths = append(truths, tr)
	}
	return truths, nil
}

// verifyGrid checks the row grid against the rendering: most rows where
// notes start must have an onset of the audio within 30 ms.
func verifyGrid(ctx context.Context, wav string, rows []modRow, durS float64) (bool, string) {
	raw, err := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-loglevel", "error", "-i", wav, "-ac", "1", "-ar", "22050", "-f", "f32le", "-").Output()
	if err != nil {
		return false, err.Error()
	}
	x := make([]float32, len(raw)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	env := beat.OnsetStrength(x, 22050)
	onsets := beat.PickOnsets(env)
	near := func(t float64) bool {
		i := sort.SearchFloat64s(onsets, t-0.03)
		return i < len(onsets) && onsets[i] <= t+0.03
	}
	// the control: rows where no note starts, where a right grid has
	// fewer onsets
	n, hit, empty, emptyHit := 0, 0, 0, 0
	for _, r := range rows {
		if r.t > durS-0.5 {
			continue
		}
		if r.notes == 0 {
			empty++
			if near(r.t) {
				emptyHit++
			}
			continue
		}
		n++
		if near(r.t) {
			hit++
		}
	}
	if n < 16 {
		return false, fmt.Sprintf("only %d rows with notes", n)
	}
	rate := float64(hit) / float64(n)
	ctl := 0.0
	if empty > 0 {
		ctl = float64(emptyHit) / float64(empty)
	}
	if rate < 0.45 || rate < 1.5*ctl {
		return false, fmt.Sprintf("%d of %d note rows have an onset within 30 ms, %d of %d empty rows", hit, n, emptyHit, empty)
	}
	return true, ""
}
