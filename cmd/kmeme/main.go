// Command kmeme is K-MEME Factory in one binary: the HTTP service, the job
// worker, migrations and the offline CLI (analyze, remix).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kmeme: "+oneLine(err))
		os.Exit(exitCode(err))
	}
}

// env is what every subcommand gets from the outside world; tests pass their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

// commands lists the subcommands; each lives in a file of its own name.
func commands() map[string]command {
	return map[string]command{
		"serve":        {"run the HTTP API (and workers unless KMEME_WORKERS=0)", cmdServe},
		"worker":       {"run job workers only (scale out on other machines)", cmdWorker},
		"migrate":      {"apply database migrations", cmdMigrate},
		"version":      {"print the version", cmdVersion},
		"analyze":      {"measure a video: tempo, beats, cuts, structure", cmdAnalyze},
		"remix":        {"write a Korean remix recipe and its files for a video", cmdRemix},
		"costs":        {"summarise AI spend for a month", cmdCosts},
		"export-graph": {"write the lineage graph as Neo4j import CSV files", cmdExportGraph},
		"doctor":       {"check the configuration against the live PostgreSQL, blobs, Redis and tools", cmdDoctor},
		"openapi":      {"print the API document (/openapi.json) without starting a server", cmdOpenAPI},
	}
}

// run is the whole program; main only calls it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmds := commands()
	if len(args) < 2 || args[1] == "-h" || args[1] == "--help" || args[1] == "help" {
		usage(stdout, cmds)
		return nil
	}
	c, ok := cmds[args[1]]
	if !ok {
		return usageError{fmt.Sprintf("unknown command %q (try 'kmeme help')", args[1])}
	}
	return c.run(ctx, e, args[2:])
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "K-MEME Factory — turn a viral short video into a Korean remix recipe.")
	fmt.Fprintln(w, "\nUsage: kmeme <command> [flags]\n\nCommands:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-13s %s\n", n, cmds[n].summary)
	}
}

// usageError is a mistake in the command line; it exits with status 2.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func exitCode(err error) int {
	if _, ok := err.(usageError); ok {
		return 2
	}
	return 1
}

// oneLine folds an error onto one line for the terminal.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
