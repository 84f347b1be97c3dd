package lifecycle

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestPeriodicStopWaitsForARunningTask: Stop cancels the task's context and
// does not return until the task has returned.
func TestPeriodicStopWaitsForARunningTask(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	cancelled := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	p := &Periodic{Every: time.Hour, RunAtStart: true, Task: func(ctx context.Context) {
		once.Do(func() { close(entered) })
		<-ctx.Done()
		close(cancelled)
		<-release
	}}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- p.Stop(context.Background()) }()
	<-cancelled // Stop has cancelled the task, which is still running
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) while the task was running", err)
	default:
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

// TestPeriodicRunsOnTicks: without RunAtStart the task waits for a tick,
// and keeps running on every tick.
func TestPeriodicRunsOnTicks(t *testing.T) {
	t.Parallel()
	runs := make(chan struct{})
	p := &Periodic{Every: time.Millisecond, Task: func(ctx context.Context) {
		select {
		case runs <- struct{}{}:
		case <-ctx.Done():
		}
	}}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		<-runs
	}
	if err := p.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestStopReturnsWhenItsContextEnds: a task that will not end does not
// hold Stop past its context, and a later Stop still waits for it.
func TestStopReturnsWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	entered := make(chan struct{})
	l := &Loop{Run: func(context.Context) { close(entered); <-release }}
	if err := l.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.Stop(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Stop with an ended context = %v, want context.Canceled", err)
	}
	close(release)
	if err := l.Stop(context.Background()); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}

// TestLoopEndsWithStartContext: the loop's context ends with Start's.
func TestLoopEndsWithStartContext(t *testing.T) {
	t.Parallel()
	ended := make(chan struct{})
	l := &Loop{Run: func(ctx context.Context) { <-ctx.Done(); close(ended) }}
	ctx, cancel := context.WithCancel(context.Background())
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-ended
	if err := l.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestStartTwiceIsAnError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := &Periodic{Every: time.Hour, Task: func(context.Context) {}}
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx); !errors.Is(err, ErrStarted) {
		t.Fatalf("second Start = %v, want ErrStarted", err)
	}
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx); !errors.Is(err, ErrStarted) {
		t.Fatalf("Start after Stop = %v, want ErrStarted", err)
	}
	var g Group
	if err := g.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.Start(ctx); !errors.Is(err, ErrStarted) {
		t.Fatalf("second Group.Start = %v, want ErrStarted", err)
	}
}

func TestStopBeforeStartIsHarmless(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var l Loop
	if err := l.Stop(ctx); err != nil {
		t.Fatalf("Loop.Stop before Start: %v", err)
	}
	p := &Periodic{Every: time.Hour, Task: func(context.Context) {}}
	if err := p.Stop(ctx); err != nil {
		t.Fatalf("Periodic.Stop before Start: %v", err)
	}
	var g Group
	g.Add("a", p)
	if err := g.Stop(ctx); err != nil {
		t.Fatalf("Group.Stop before Start: %v", err)
	}
	// Stopped services were never started: the group starts them normally.
	if err := g.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestBadConfigurationIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, s := range map[string]Service{
		"no interval": &Periodic{Task: func(context.Context) {}},
		"no task":     &Periodic{Every: time.Second},
		"no body":     &Loop{},
	} {
		if err := s.Start(ctx); err == nil || errors.Is(err, ErrStarted) {
			t.Errorf("%s: Start = %v, want a configuration error", name, err)
		}
	}
}

// recorder is a service that notes its starts and stops in a shared log.
type recorder struct {
	name     string
	log      *[]string
	startErr error
	stopErr  error
}

func (r *recorder) Start(context.Context) error {
	*r.log = append(*r.log, "start "+r.name)
	return r.startErr
}

func (r *recorder) Stop(context.Context) error {
	*r.log = append(*r.log, "stop "+r.name)
	return r.stopErr
}

func TestGroupStartsInOrderStopsInReverse(t *testing.T) {
	t.Parallel()
	var log []string
	var g Group
	for _, n := range []string{"a", "b", "c"} {
		g.Add(n, &recorder{name: n, log: &log})
	}
	ctx := context.Background()
	if err := g.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := g.Stop(ctx); err != nil { // nothing runs any more
		t.Fatal(err)
	}
	want := []string{"start a", "start b", "start c", "stop c", "stop b", "stop a"}
	if !slices.Equal(log, want) {
		t.Fatalf("log = %q, want %q", log, want)
	}
}

// TestGroupFailedStartStopsTheStarted: when c fails to start, b and a are
// stopped (in that order), c and d are not, and the error names c.
func TestGroupFailedStartStopsTheStarted(t *testing.T) {
	t.Parallel()
	var log []string
	boom := errors.New("boom")
	var g Group
	g.Add("a", &recorder{name: "a", log: &log})
	g.Add("b", &recorder{name: "b", log: &log})
	g.Add("c", &recorder{name: "c", log: &log, startErr: boom})
	g.Add("d", &recorder{name: "d", log: &log})
	ctx := context.Background()
	err := g.Start(ctx)
	if !errors.Is(err, boom) || err.Error() != "start c: boom" {
		t.Fatalf("Start = %v, want start c: boom", err)
	}
	want := []string{"start a", "start b", "start c", "stop b", "stop a"}
	if !slices.Equal(log, want) {
		t.Fatalf("log = %q, want %q", log, want)
	}
	if err := g.Stop(ctx); err != nil || len(log) != len(want) {
		t.Fatalf("Stop after a failed Start: %v, log %q", err, log)
	}
}

// TestGroupStopStopsEveryServiceAndJoinsErrors: a failing Stop does not
// keep the earlier services running.
func TestGroupStopStopsEveryServiceAndJoinsErrors(t *testing.T) {
	t.Parallel()
	var log []string
	e1, e3 := errors.New("one"), errors.New("three")
	var g Group
	g.Add("s1", &recorder{name: "1", log: &log, stopErr: e1})
	g.Add("s2", &recorder{name: "2", log: &log})
	g.Add("s3", &recorder{name: "3", log: &log, stopErr: e3})
	ctx := context.Background()
	if err := g.Start(ctx); err != nil {
		t.Fatal(err)
	}
	err := g.Stop(ctx)
	if !errors.Is(err, e1) || !errors.Is(err, e3) {
		t.Fatalf("Stop = %v, want both errors", err)
	}
	if want := "stop s3: three\nstop s1: one"; err.Error() != want {
		t.Errorf("Stop error = %q, want %q", err, want)
	}
	if want := []string{"start 1", "start 2", "start 3", "stop 3", "stop 2", "stop 1"}; !slices.Equal(log, want) {
		t.Fatalf("log = %q, want %q", log, want)
	}
}

// TestHTTPServerStopDrainsOpenRequests: Stop lets a request in flight
// finish and answer before it returns.
func TestHTTPServerStopDrainsOpenRequests(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	release := make(chan struct{})
	shuttingDown := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-release
		_, _ = io.WriteString(w, "done")
	})}
	srv.RegisterOnShutdown(func() { close(shuttingDown) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &HTTPServer{Server: srv, Listener: ln, OnError: func(err error) { t.Errorf("serve: %v", err) }}
	if err := s.Stop(context.Background()); err != nil {
		t.Fatalf("Stop before Start: %v", err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	answer := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			answer <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answer <- string(b)
	}()
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- s.Stop(context.Background()) }()
	<-shuttingDown
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) with a request in flight", err)
	default:
	}
	close(release)
	if got := <-answer; got != "done" {
		t.Errorf("request in flight answered %q", got)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Start(context.Background()); !errors.Is(err, ErrStarted) {
		t.Errorf("Start after Stop = %v", err)
	}
}
