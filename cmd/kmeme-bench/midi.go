package main

import (
	"bytes"
	"encoding/binary"
	"math/rand"
	"os"
	"sort"
)

// GM drum keys and programs used by the styles.
const (
	kick, stick, snare, clap, hatC, hatP, hatO, crash, ride = 36, 37, 38, 39, 42, 44, 46, 49, 51
	drumCh                                                  = 9
	ppq                                                     = 480
)

type note struct {
	tick, dur  int
	ch, key, v int
}

// song is a generated piece with its truth.
type song struct {
	style     string
	bpm       float64
	meter     int
	swing     bool
	bars      int
	notes     []note
	programs  map[int]int // channel → GM program
	beatTicks []int
	downTicks []int
}

// style writes one bar's notes starting at tick t0.
type style struct {
	name           string
	meter          int
	minBPM, maxBPM float64
	bar            func(s *song, bar, t0 int, chord []int, rng *rand.Rand)
}

// step is a sixteenth note; in swing a "sixteenth" pair is a swung eighth.
const step = ppq / 4

func (s *song) hit(t, ch, key, v, dur int) {
	s.notes = append(s.notes, note{tick: t, dur: dur, ch: ch, key: key, v: v})
}

func (s *song) pattern(t0 int, steps string, key, v int) {
	for i, c := range steps {
		switch c {
		case 'x':
			s.hit(t0+i*step, drumCh, key, v, step)
		case 'o':
			s.hit(t0+i*step, drumCh, key, v*2/3, step)
		}
	}
}

func (s *song) chord(t0, dur, ch int, chord []int, v int) {
	for _, k := range chord {
		s.hit(t0, ch, k, v, dur)
	}
}

// progressions in semitones from the key: I V vi IV and friends.
var progressions = [][][]int{
	{{0, 4, 7}, {7, 11, 14}, {9, 12, 16}, {5, 9, 12}},
	{{9, 12, 16}, {5, 9, 12}, {0, 4, 7}, {7, 11, 14}},
	{{0, 4, 7}, {9, 12, 16}, {5, 9, 12}, {7, 11, 14}},
	{{2, 5, 9}, {7, 11, 14}, {0, 4, 7}, {9, 12, 16}},
}

var styles = []style{
	{"four-on-the-floor", 4, 118, 130, func(s *song, bar, t0 int, ch []int, rng *rand.Rand) {
		s.pattern(t0, "x...x...x...x...", kick, 115)
		s.pattern(t0, "....x.......x...", clap, 90)
		s.pattern(t0, "..x...x...x...x.", hatO, 70)
		s.pattern(t0, "x.x.x.x.x.x.x.x.", hatC, 45)
		for i := 0; i < 4; i++ {
			s.hit(t0+i*ppq+2*step, 1, 36+ch[0]%12, 95, step*2)
		}
		s.chord(t0, 4*ppq, 2, up(ch, 60), 60)
	}},
	{"backbeat", 4, 88, 112, func(s *song, bar, t0 int, ch []int, rng *rand.Rand) {
		s.pattern(t0, "x.....x.x.......", kick, 110)
		s.pattern(t0, "....x.......x...", snare, 100)
		s.pattern(t0, "x.x.x.x.x.x.x.x.", hatC, 60)
		s.hit(t0, 1, 36+ch[0]%12, 100, 2*ppq)
		s.hit(t0+2*ppq, 1, 36+ch[0]%12, 90, ppq)
		s.hit(t0+3*ppq, 1, 36+ch[2]%12, 85, ppq)
		for i := 0; i < 4; i++ {
			s.chord(t0+i*ppq, ppq-20, 2, up(ch, 60), 55)
		}
	}},
	{"half-time-trap", 4, 130, 150, func(s *song, bar, t0 int, ch []int, rng *rand.Rand) {
		s.pattern(t0, "x......x..x.....", kick, 115)
		s.pattern(t0, "........x.......", snare, 110)
		hats := "x.x.x.x.x.x.x.x."
		if bar%2 == 1 {
			hats = "x.x.x.x.x.xxx.x."
		}
		s.pattern(t0, hats, hatC, 65)
		s.hit(t0, 1, 36+ch[0]%12, 110, 3*ppq)
		s.chord(t0, 4*ppq, 2, up(ch, 60), 45)
	}},
	{"swing", 4, 100, 160, func(s *song, bar, t0 int, ch []int, rng *rand.Rand) {
		// ride: ding, ding-da, ding, ding-da with swung eighths
		for i := 0; i < 4; i++ {
			s.hit(t0+i*ppq, drumCh, ride, 80, step)
			if i%2 == 1 {
				s.hit(t0+i*ppq+2*ppq/3, drumCh, ride, 55, step)
			}
		}
		s.pattern(t0, "....x.......x...", hatP, 70)
		s.pattern(t0, "x.......x.......", kick, 60)
		walk := []int{ch[0], ch[1], ch[2], ch[1] + 2}
		for i, k := range walk {
			s.hit(t0+i*ppq, 1, 36+k%12, 95, ppq-30)
		}
		s.chord(t0+ppq+2*ppq/3, ppq, 2, up(ch, 60), 55)
		s.chord(t0, ppq/2, 2, up(ch, 60), 60)
	}},
	{"ballad", 4, 64, 80, func(s *song, bar, t0 int, ch []int, rng *rand.Rand) {
		arp := up(ch, 60)
		for i := 0; i < 8; i++ {
			s.hit(t0+i*2*step, 2, arp[i%3]+12*(i/3%2), 60+10*boolInt(i == 0), 2*step)
		}
		s.hit(t0, 1, 36+ch[0]%12, 95, 4*ppq)
		s.pattern(t0, "x.......x.......", kick, 70)
		s.pattern(t0, "....x.......x...", stick, 70)
		s.chord(t0, 4*ppq, 3, up(ch, 48), 50)
	}},
	{"dembow", 4, 88, 104, func(s *song, bar, t0 int, ch []int, rng *rand.Rand) {
		s.pattern(t0, "x...x...x...x...", kick, 110)
		s.pattern(t0, "...x..x....x..x.", snare, 95)
		s.pattern(t0, "x.x.x.x.x.x.x.x.", hatC, 50)
		s.hit(t0, 1, 36+ch[0]%12, 100, 2*ppq)
		s.hit(t0+2*ppq, 1, 36+ch[1]%12, 90, 2*ppq)
		s.chord(t0, 4*ppq, 2, up(ch, 60), 50)
	}},
	{"waltz", 3, 90, 170, func(s *song, bar, t0 int, ch []int, rng *rand.Rand) {
		s.hit(t0, 1, 36+ch[0]%12, 105, ppq)
		s.pattern(t0, "x...........", kick, 90)
		s.pattern(t0, "....o...o...", hatC, 60)
		s.chord(t0+ppq, ppq/2, 2, up(ch, 60), 65)
		s.chord(t0+2*ppq, ppq/2, 2, up(ch, 60), 60)
		s.hit(t0, 3, up(ch, 72)[0], 70, ppq*3/2)
		s.hit(t0+3*ppq/2, 3, up(ch, 72)[1], 55, ppq/2)
		s.hit(t0+2*ppq, 3, up(ch, 72)[2], 55, ppq)
	}},
	// drumless: a steady tune carried by bass and chords alone (issue 10:
	// a plain tune without drums was refused)
	{"piano-pop", 4, 84, 132, func(s *song, bar, t0 int, ch []int, rng *rand.Rand) {
		s.hit(t0, 1, 36+ch[0]%12, 100, 2*ppq-20)
		s.hit(t0+2*ppq, 1, 36+ch[2]%12, 90, 2*ppq-20)
		for i := 0; i < 4; i++ {
			s.chord(t0+i*ppq, ppq-30, 2, up(ch, 60), 62+6*boolInt(i == 0))
		}
		mel := up(ch, 72)
		for i := 0; i < 4; i++ {
			if rng.Intn(3) > 0 {
				s.hit(t0+i*ppq+2*step*rng.Intn(2), 3, mel[rng.Intn(3)], 70, 2*step)
			}
		}
	}},
	{"music-box-waltz", 3, 96, 168, func(s *song, bar, t0 int, ch []int, rng *rand.Rand) {
		s.hit(t0, 1, 36+ch[0]%12, 105, ppq-20)
		s.chord(t0+ppq, ppq-30, 2, up(ch, 60), 60)
		s.chord(t0+2*ppq, ppq-30, 2, up(ch, 60), 56)
		mel := up(ch, 72)
		s.hit(t0, 3, mel[rng.Intn(3)], 72, ppq)
		if rng.Intn(2) == 0 {
			s.hit(t0+2*ppq, 3, mel[rng.Intn(3)], 60, ppq)
		}
	}},
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func up(ch []int, base int) []int {
	out := make([]int, len(ch))
	for i, c := range ch {
		out[i] = base + c
	}
	return out
}

// compose writes bars of st at bpm; key is the tonic offset.
func compose(st style, bpm float64, bars int, rng *rand.Rand) *song {
	s := &song{style: st.name, bpm: bpm, meter: st.meter, swing: st.name == "swing", bars: bars,
		programs: map[int]int{1: 33, 2: 0, 3: 48}}
	switch st.name {
	case "four-on-the-floor", "half-time-trap":
		s.programs = map[int]int{1: 38, 2: 89, 3: 81}
	case "swing":
		s.programs = map[int]int{1: 32, 2: 0, 3: 0}
	case "ballad":
		s.programs = map[int]int{1: 33, 2: 0, 3: 48}
	case "dembow":
		s.programs = map[int]int{1: 38, 2: 4, 3: 0}
	case "waltz":
		s.programs = map[int]int{1: 32, 2: 0, 3: 40}
	case "piano-pop":
		s.programs = map[int]int{1: 33, 2: 0, 3: 11}
	case "music-box-waltz":
		s.programs = map[int]int{1: 32, 2: 4, 3: 10}
	}
	key := rng.Intn(12) - 5
	prog := progressions[rng.Intn(len(progressions))]
	for b := range bars {
		t0 := b * st.meter * ppq
		ch := prog[b%len(prog)]
		c := make([]int, len(ch))
		for i, x := range ch {
			c[i] = x + key
		}
		st.bar(s, b, t0, c, rng)
		if b%4 == 0 && st.name != "ballad" && st.name != "piano-pop" && st.name != "music-box-waltz" {
			s.hit(t0, drumCh, crash, 80, ppq)
		}
		for i := range st.meter {
			s.beatTicks = append(s.beatTicks, t0+i*ppq)
		}
		s.downTicks = append(s.downTicks, t0)
	}
	// humanise velocities a little so no two hits are identical
	for i := range s.notes {
		s.notes[i].v = max(1, min(127, s.notes[i].v+rng.Intn(11)-5))
	}
	return s
}

// tickS is the time of a tick in seconds.
func (s *song) tickS(t int) float64 { return float64(t) / ppq * 60 / s.bpm }

// writeMIDI writes s as a format-0 standard MIDI file.
func (s *song) writeMIDI(path string) error {
	type ev struct {
		tick int
		data []byte
	}
	var evs []ev
	uspq := int(60e6/s.bpm + 0.5)
	evs = append(evs, ev{0, []byte{0xff, 0x51, 3, byte(uspq >> 16), byte(uspq >> 8), byte(uspq)}})
	evs = append(evs, ev{0, []byte{0xff, 0x58, 4, byte(s.meter), 2, 24, 8}})
	for ch, p := range s.programs {
		evs = append(evs, ev{0, []byte{0xc0 | byte(ch), byte(p)}})
	}
	for _, n := range s.notes {
		evs = append(evs, ev{n.tick, []byte{0x90 | byte(n.ch), byte(n.key), byte(n.v)}})
		evs = append(evs, ev{n.tick + n.dur, []byte{0x80 | byte(n.ch), byte(n.key), 0}})
	}
	sort.SliceStable(evs, func(i, j int) bool {
		if evs[i].tick != evs[j].tick {
			return evs[i].tick < evs[j].tick
		}
		return evs[i].data[0]&0xf0 == 0x80 && evs[j].data[0]&0xf0 != 0x80 // note-offs first
	})
	var trk bytes.Buffer
	last := 0
	for _, e := range evs {
		writeVarLen(&trk, e.tick-last)
		last = e.tick
		trk.Write(e.data)
	}
	writeVarLen(&trk, ppq)
	trk.Write([]byte{0xff, 0x2f, 0})
	var f bytes.Buffer
	f.WriteString("MThd")
	binary.Write(&f, binary.BigEndian, uint32(6))
	binary.Write(&f, binary.BigEndian, [3]uint16{0, 1, ppq})
	f.WriteString("MTrk")
	binary.Write(&f, binary.BigEndian, uint32(trk.Len()))
	f.Write(trk.Bytes())
	return os.WriteFile(path, f.Bytes(), 0o644)
}

func writeVarLen(b *bytes.Buffer, v int) {
	var tmp [5]byte
	i := 4
	tmp[i] = byte(v & 0x7f)
	for v >>= 7; v > 0; v >>= 7 {
		i--
		tmp[i] = byte(v&0x7f) | 0x80
	}
	b.Write(tmp[i:])
}
