package costs

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// FileLedger is a kmeme.CostLedger in a JSON Lines file: one CostEntry per
// line, appended. It is the CLI's ledger; the file is safe to read with jq.
type FileLedger struct {
	Path string
	// BudgetUSD fills CostSummary.BudgetUSD and LeftUSD.
	BudgetUSD float64
	mu        sync.Mutex
}

var _ kmeme.CostLedger = (*FileLedger)(nil)

// NewFileLedger returns a ledger at path (the file is created on the
// first Record).
func NewFileLedger(path string, budgetUSD float64) *FileLedger {
	return &FileLedger{Path: path, BudgetUSD: budgetUSD}
}

// Record appends one entry.
func (l *FileLedger) Record(_ context.Context, e kmeme.CostEntry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode cost entry: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(l.Path), 0o755); err != nil {
		return fmt.Errorf("cost ledger %s: %w", l.Path, err)
	}
	f, err := os.OpenFile(l.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("cost ledger %s: %w", l.Path, err)
	}
	line := append(b, '\n')
	// A torn last line (a crash mid-write) must not swallow this entry.
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if r, err := os.Open(l.Path); err == nil {
			if _, err := r.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
				line = append([]byte{'\n'}, line...)
			}
			r.Close()
		}
	}
	// One write call per line keeps concurrent appenders from interleaving.
	_, werr := f.Write(line)
	cerr := f.Close()
	if werr != nil {
		return fmt.Errorf("cost ledger %s: %w", l.Path, werr)
	}
	if cerr != nil {
		return fmt.Errorf("cost ledger %s: %w", l.Path, cerr)
	}
	return nil
}

// entries reads the month's entries; a missing file is an empty ledger.
// A corrupt line (a torn write) is skipped, not fatal.
func (l *FileLedger) entries(month string) ([]kmeme.CostEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, err := os.Open(l.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cost ledger %s: %w", l.Path, err)
	}
	defer f.Close()
	var out []kmeme.CostEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var e kmeme.CostEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		if month == "" || Month(e.CreatedAt) == month {
			out = append(out, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cost ledger %s: %w", l.Path, err)
	}
	return out, nil
}

// SpentUSD is the month's total.
func (l *FileLedger) SpentUSD(_ context.Context, month string) (float64, error) {
	es, err := l.entries(month)
	if err != nil {
		return 0, err
	}
	total := 0.0
	for _, e := range es {
		total += e.CostUSD
	}
	return total, nil
}

// Summary groups the month's spend by provider and model, and by user.
func (l *FileLedger) Summary(_ context.Context, month string) (*kmeme.CostSummary, error) {
	es, err := l.entries(month)
	if err != nil {
		return nil, err
	}
	return Summarize(month, l.BudgetUSD, es), nil
}

// Summarize groups entries into a CostSummary (shared by every ledger).
func Summarize(month string, budget float64, es []kmeme.CostEntry) *kmeme.CostSummary {
	s := &kmeme.CostSummary{Month: month, BudgetUSD: budget, ByModel: []kmeme.CostBreakdown{}}
	byModel := map[[2]string]*kmeme.CostBreakdown{}
	byUser := map[string]*kmeme.CostBreakdown{}
	add := func(b *kmeme.CostBreakdown, e kmeme.CostEntry) {
		b.Calls++
		b.InputTokens += e.InputTokens
		b.OutputTokens += e.OutputTokens
		b.CostUSD += e.CostUSD
	}
	for _, e := range es {
		s.Calls++
		s.TotalUSD += e.CostUSD
		k := [2]string{e.Provider, e.Model}
		if byModel[k] == nil {
			byModel[k] = &kmeme.CostBreakdown{Provider: e.Provider, Model: e.Model}
		}
		add(byModel[k], e)
		if e.UserID != nil {
			if byUser[*e.UserID] == nil {
				byUser[*e.UserID] = &kmeme.CostBreakdown{UserID: *e.UserID}
			}
			add(byUser[*e.UserID], e)
		}
	}
	for _, b := range byModel {
		s.ByModel = append(s.ByModel, *b)
	}
	sort.Slice(s.ByModel, func(i, j int) bool {
		if s.ByModel[i].CostUSD != s.ByModel[j].CostUSD {
			return s.ByModel[i].CostUSD > s.ByModel[j].CostUSD
		}
		return s.ByModel[i].Provider+s.ByModel[i].Model < s.ByModel[j].Provider+s.ByModel[j].Model
	})
	for _, b := range byUser {
		s.ByUser = append(s.ByUser, *b)
	}
	sort.Slice(s.ByUser, func(i, j int) bool {
		if s.ByUser[i].CostUSD != s.ByUser[j].CostUSD {
			return s.ByUser[i].CostUSD > s.ByUser[j].CostUSD
		}
		return s.ByUser[i].UserID < s.ByUser[j].UserID
	})
	s.LeftUSD = budget - s.TotalUSD
	if s.LeftUSD < 0 {
		s.LeftUSD = 0
	}
	return s
}
