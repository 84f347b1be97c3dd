package main

import (
	"math"
	"testing"
)

// tinyMOD builds a 4-channel M.K. module with two patterns played 0, 1:
// a note on every fourth row, speed 3 set on row 0 of pattern 0, tempo
// 150 on row 16, and a pattern break to row 32 of the next pattern on
// row 47 of pattern 0.
func tinyMOD() []byte {
	b := make([]byte, 1084+2*64*4*4)
	copy(b, "tiny")
	b[950], b[951] = 2, 127
	b[952], b[953] = 0, 1
	copy(b[1080:], "M.K.")
	cell := func(p, r, c int) []byte { o := 1084 + p*1024 + (r*4+c)*4; return b[o : o+4] }
	for p := range 2 {
		for r := 0; r < 64; r += 4 {
			x := cell(p, r, 0)
			x[0], x[1], x[2] = 0x01, 0xac, 0x10 // period 428, sample 1
		}
	}
	cell(0, 0, 1)[2], cell(0, 0, 1)[3] = 0x0f, 3
	cell(0, 16, 1)[2], cell(0, 16, 1)[3] = 0x0f, 150
	cell(0, 47, 2)[2], cell(0, 47, 2)[3] = 0x0d, 0x32 // break to row 32 (decimal digits)
	return b
}

func TestModuleTimeline(t *testing.T) {
	t.Parallel()
	m, err := parseModule(tinyMOD())
	if err != nil {
		t.Fatal(err)
	}
	rows, spent := m.timeline(60)
	// rows 0–15 at speed 3 tempo 125 (0.06 s), then 150 (0.05 s)
	if got := rows[16].t; math.Abs(got-16*0.06) > 1e-9 {
		t.Fatalf("row 16 at %.4f s, want %.4f", got, 16*0.06)
	}
	if rows[17].t-rows[16].t-0.05 > 1e-9 {
		t.Fatalf("row after the tempo change lasts %.4f s, want 0.05", rows[17].t-rows[16].t)
	}
	// after row 47 of pattern 0 comes row 32 of pattern 1
	if rows[48].row != 32 {
		t.Fatalf("row after the break is pattern row %d, want 32", rows[48].row)
	}
	if rows[0].notes != 1 || rows[1].notes != 0 {
		t.Fatalf("note counts %d %d", rows[0].notes, rows[1].notes)
	}
	// the excerpt is mostly at one speed/tempo: the truth is its grid
	bpm, beats, downs, err := moduleTruth(rows, spent, 3)
	if err != nil {
		t.Fatal(err)
	}
	// four rows of 0.05 s would be 300 BPM, over 200: eight rows a beat
	if math.Abs(bpm-150) > 0.01 {
		t.Fatalf("bpm %.2f, want 150 (eight rows a beat at 0.05 s a row)", bpm)
	}
	if len(beats) == 0 || len(downs) == 0 || beats[0] != 0 || downs[0] != 0 {
		t.Fatalf("beats %v downbeats %v", beats, downs)
	}
	if _, err := parseModule([]byte("not a module")); err == nil {
		t.Fatal("garbage parsed as a module")
	}
}
