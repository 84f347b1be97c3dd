package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/kmeme-factory/kmeme/internal/config"
	"github.com/kmeme-factory/kmeme/internal/costs"
)

const costsUsage = `Usage: kmeme costs [--month YYYY-MM] [--ledger FILE] [--json]

Summarises AI spend for a month (default this month, UTC) from the CLI's
cost ledger (KMEME_COST_LEDGER, default ~/.local/share/kmeme/costs.jsonl)
against the monthly budget (KMEME_AI_BUDGET_USD, default $81).`

func cmdCosts(ctx context.Context, e env, args []string) error {
	fs := flag.NewFlagSet("costs", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	month := fs.String("month", costs.Month(time.Now()), "month, YYYY-MM")
	ledger := fs.String("ledger", "", "JSONL ledger file")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(e.stdout, costsUsage)
			return nil
		}
		return usageError{err.Error() + " (try 'kmeme costs -h')"}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (try 'kmeme costs -h')", fs.Arg(0))}
	}
	if _, err := time.Parse("2006-01", *month); err != nil {
		return usageError{fmt.Sprintf("--month must be YYYY-MM, not %q", *month)}
	}
	cfg, err := config.AIFromEnv(e.getenv)
	if err != nil {
		// A bad model or price must not hide what was already spent.
		fmt.Fprintf(e.stderr, "kmeme: warning: %s\n", oneLine(err))
	}
	if *ledger != "" {
		cfg.LedgerPath = *ledger
	}
	s, err := costs.NewFileLedger(cfg.LedgerPath, cfg.BudgetUSD).Summary(ctx, *month)
	if err != nil {
		return err
	}
	if *asJSON {
		b, _ := json.MarshalIndent(s, "", "  ")
		fmt.Fprintln(e.stdout, string(b))
		return nil
	}
	w := e.stdout
	fmt.Fprintf(w, "AI spend %s: $%.4f of $%.2f budget ($%.4f left), %d calls\n", s.Month, s.TotalUSD, s.BudgetUSD, s.LeftUSD, s.Calls)
	if len(s.ByModel) > 0 {
		fmt.Fprintf(w, "\n%-8s %-28s %7s %12s %12s %10s\n", "provider", "model", "calls", "in tokens", "out tokens", "USD")
		for _, b := range s.ByModel {
			fmt.Fprintf(w, "%-8s %-28s %7d %12d %12d %10.4f\n", b.Provider, b.Model, b.Calls, b.InputTokens, b.OutputTokens, b.CostUSD)
		}
	}
	if len(s.ByUser) > 0 {
		fmt.Fprintf(w, "\n%-36s %7s %10s\n", "user", "calls", "USD")
		for _, b := range s.ByUser {
			fmt.Fprintf(w, "%-36s %7d %10.4f\n", b.UserID, b.Calls, b.CostUSD)
		}
	}
	return nil
}
