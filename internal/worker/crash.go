package worker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/postgres"
)

// Crash leftovers. A worker killed with -9 leaves two things behind: its
// attempts' scratch directories, and its jobs in the "running" state,
// which River's rescuer only retries after RescueAfter (15 minutes by
// default). Scratch lives under WorkDir/kmeme-run-<pid>/, and a River
// client on this machine is named <host>-pid<pid>-<start>, so a worker
// starting here can tell a dead process's leftovers from a live one's: it
// removes the dead processes' scratch and hands their running jobs back
// to the queue at once. A retried attempt also removes the scratch of the
// same step's earlier attempts (the dead worker may have been elsewhere
// on this machine), and every retry adds a progress event saying so.

// runDirPrefix names the per-process scratch folders.
const runDirPrefix = "kmeme-run-"

func (p *Pipeline) runDir() string {
	return filepath.Join(p.cfg.WorkDir, fmt.Sprintf("%s%d", runDirPrefix, os.Getpid()))
}

// alive reports whether a process with this id exists on this machine.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// defaultClientID names this process so that its successors can tell it died.
func defaultClientID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-pid%d-%d", host, os.Getpid(), time.Now().UnixNano())
}

// legacyScratch matches scratch folders made directly in WorkDir (before
// per-process folders): kmeme-<stage>-<node uuid>-<attempt>-<random>.
var legacyScratch = regexp.MustCompile(`^kmeme-[a-z]+-[0-9a-f-]{36}-\d+-\d+$`)

// sweepScratch removes the scratch of processes that no longer exist, and
// legacy scratch older than RescueAfter (no job runs that long).
func (p *Pipeline) sweepScratch() (removed int) {
	entries, err := os.ReadDir(p.cfg.WorkDir)
	if err != nil {
		return 0
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		path := filepath.Join(p.cfg.WorkDir, name)
		if rest, ok := strings.CutPrefix(name, runDirPrefix); ok {
			if pid, err := strconv.Atoi(rest); err == nil && !alive(pid) {
				if os.RemoveAll(path) == nil {
					removed++
				}
			}
			continue
		}
		if legacyScratch.MatchString(name) {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > p.cfg.RescueAfter {
				if os.RemoveAll(path) == nil {
					removed++
				}
			}
		}
	}
	if removed > 0 {
		p.cfg.Log.Info("removed scratch left by stopped workers", "dirs", removed, "work_dir", p.cfg.WorkDir)
	}
	return removed
}

// sweepAttempts removes the scratch of earlier attempts of one step.
func (p *Pipeline) sweepAttempts(stage, nodeID string, attempt int) {
	if attempt <= 1 {
		return
	}
	pattern := "kmeme-" + stage + "-" + nodeID + "-*"
	var matches []string
	for _, glob := range []string{filepath.Join(p.cfg.WorkDir, runDirPrefix+"*", pattern), filepath.Join(p.cfg.WorkDir, pattern)} {
		m, _ := filepath.Glob(glob)
		matches = append(matches, m...)
	}
	prefix := "kmeme-" + stage + "-" + nodeID + "-"
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), prefix)
		a, _, ok := strings.Cut(rest, "-")
		if n, err := strconv.Atoi(a); ok && err == nil && n < attempt {
			if os.RemoveAll(m) == nil {
				p.cfg.Log.Info("removed an earlier attempt's scratch", "stage", stage, "node_id", nodeID, "attempt", n)
			}
		}
	}
}

// clientPID is the pid in a client id of this machine (0: not ours).
func clientPID(id, host string) int {
	rest, ok := strings.CutPrefix(id, host+"-pid")
	if !ok {
		return 0
	}
	pid, _, _ := strings.Cut(rest, "-")
	n, err := strconv.Atoi(pid)
	if err != nil {
		return 0
	}
	return n
}

// rescueDead hands back at once the running jobs of dead processes on
// this machine, with a progress event saying the step is retried.
func (p *Pipeline) rescueDead(ctx context.Context) (int, error) {
	host, err := os.Hostname()
	if err != nil || host == "" {
		return 0, nil
	}
	rows, err := p.pool.Query(ctx, `SELECT id, attempted_by[array_upper(attempted_by, 1)], coalesce(args->>'node_id', ''), kind, attempt, max_attempts
		FROM river_job WHERE state = 'running' AND queue = $1 AND attempted_by IS NOT NULL AND attempted_by[array_upper(attempted_by, 1)] LIKE $2`,
		Queue, host+"-pid%")
	if err != nil {
		return 0, fmt.Errorf("find jobs of stopped workers: %w", err)
	}
	type job struct {
		id                   int64
		by, node, kind       string
		attempt, maxAttempts int
	}
	var dead []job
	for rows.Next() {
		var j job
		if err := rows.Scan(&j.id, &j.by, &j.node, &j.kind, &j.attempt, &j.maxAttempts); err != nil {
			rows.Close()
			return 0, fmt.Errorf("find jobs of stopped workers: %w", err)
		}
		if pid := clientPID(j.by, host); pid > 0 && !alive(pid) && j.attempt < j.maxAttempts {
			dead = append(dead, j)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("find jobs of stopped workers: %w", err)
	}
	n := 0
	for _, j := range dead {
		tag, err := p.pool.Exec(ctx, `UPDATE river_job SET state = 'retryable', scheduled_at = now(),
			errors = array_append(coalesce(errors, '{}'), jsonb_build_object('at', now(), 'attempt', attempt, 'error', 'the worker process stopped during this step', 'trace', ''))
			WHERE id = $1 AND state = 'running'`, j.id)
		if err != nil {
			return n, fmt.Errorf("hand back job %d: %w", j.id, err)
		}
		if tag.RowsAffected() == 0 {
			continue
		}
		n++
		p.cfg.Log.Warn("took back the job of a stopped worker", "job_id", j.id, "kind", j.kind, "node_id", j.node, "worker", j.by)
	}
	return n, nil
}

// retryEvent tells the creator that a step is tried again, and why.
func (p *Pipeline) retryEvent(ctx context.Context, stage, nodeID string, attempt, maxAttempts int) {
	if attempt <= 1 {
		return
	}
	msg := fmt.Sprintf("attempt %d of %d: the previous attempt of the %s step did not finish (the worker stopped or the step failed); trying again", attempt, maxAttempts, stage)
	if err := postgres.AddRetryEvent(ctx, p.pool, nodeID, "retry:"+stage, kmeme.NodeStatus(""), msg); err != nil {
		p.cfg.Log.Warn("retry event failed", "node_id", nodeID, "err", err.Error())
	}
}
