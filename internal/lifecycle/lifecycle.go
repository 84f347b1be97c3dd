// Package lifecycle gives every background part of the process one shape:
// Start(ctx) begins it, Stop(ctx) ends it and waits until it has ended.
// Loop runs one goroutine, Periodic runs a task on a ticker, HTTPServer
// serves a listener, Group starts services in order and stops them in
// reverse. It uses only the standard
// library, so any package can build its loops on it.
package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Service is a background part of the process.
type Service interface {
	// Start begins the service and returns once it runs.
	Start(ctx context.Context) error
	// Stop ends the service and returns once it has ended, or with ctx's
	// error when ctx ends first.
	Stop(ctx context.Context) error
}

// ErrStarted is returned by Start on a service that was started before.
// A service runs once: it is not restarted after Stop.
var ErrStarted = errors.New("lifecycle: already started")

// Loop runs Run in a goroutine of its own from Start until Stop. Run must
// return when its context ends; Stop cancels that context and waits for Run
// to return. The context ends too when Start's ctx does, and carries its
// values.
type Loop struct {
	// Run is the loop's body.
	Run func(ctx context.Context)

	mu      sync.Mutex
	started bool
	cancel  context.CancelFunc
	done    chan struct{}
}

// Start runs l.Run in a new goroutine. It is an error to start a Loop twice
// or to start one with no Run.
func (l *Loop) Start(ctx context.Context) error {
	return l.start(ctx, l.Run)
}

func (l *Loop) start(ctx context.Context, run func(context.Context)) error {
	if run == nil {
		return errors.New("lifecycle: a loop needs a body")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started {
		return ErrStarted
	}
	l.started = true
	ctx, l.cancel = context.WithCancel(ctx)
	l.done = make(chan struct{})
	go func(done chan<- struct{}) {
		defer close(done)
		run(ctx)
	}(l.done)
	return nil
}

// Stop cancels the loop and waits until Run has returned, or until ctx
// ends (then Run is still ending, and a later Stop waits again). Stop on a
// loop that never started does nothing.
func (l *Loop) Stop(ctx context.Context) error {
	l.mu.Lock()
	cancel, done := l.cancel, l.done
	l.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("lifecycle: loop still stopping: %w", ctx.Err())
	}
}

// Periodic runs Task every Every from Start until Stop, on a plain ticker
// (no jitter). A tick that comes while Task runs is dropped, not queued.
// Stop waits for a running Task, whose context is then cancelled.
type Periodic struct {
	// Every is the interval between runs; it must be positive.
	Every time.Duration
	// RunAtStart runs Task once at Start as well, without waiting for the
	// first tick (in the loop's goroutine: Start does not wait for it).
	RunAtStart bool
	// Task is the work of one tick.
	Task func(ctx context.Context)

	loop Loop
}

// Start begins the ticker. It is an error to start a Periodic twice, or
// with no Task or a non-positive Every.
func (p *Periodic) Start(ctx context.Context) error {
	if p.Every <= 0 {
		return fmt.Errorf("lifecycle: periodic interval %v is not positive", p.Every)
	}
	if p.Task == nil {
		return errors.New("lifecycle: a periodic loop needs a task")
	}
	every, atStart, task := p.Every, p.RunAtStart, p.Task
	return p.loop.start(ctx, func(ctx context.Context) {
		t := time.NewTicker(every)
		defer t.Stop()
		if atStart {
			task(ctx)
		}
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				// A tick and the cancellation can be ready together;
				// a stopping loop starts no more work.
				if ctx.Err() != nil {
					return
				}
				task(ctx)
			}
		}
	})
}

// Stop ends the ticker and waits for a running Task (see Loop.Stop).
func (p *Periodic) Stop(ctx context.Context) error { return p.loop.Stop(ctx) }

// Group starts services in the order they were added and stops them in
// the reverse order.
type Group struct {
	mu       sync.Mutex
	names    []string
	services []Service
	started  int // how many of services are running
	ran      bool
}

// Add appends a service named for error messages ("quota flusher"). Add
// services before Start.
func (g *Group) Add(name string, s Service) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.names = append(g.names, name)
	g.services = append(g.services, s)
}

// Start starts every service in order. When one fails, those already
// started are stopped in reverse order and the error names the one that
// failed. It is an error to start a Group twice.
func (g *Group) Start(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ran {
		return ErrStarted
	}
	g.ran = true
	for i, s := range g.services {
		if err := s.Start(ctx); err != nil {
			err = fmt.Errorf("start %s: %w", g.names[i], err)
			return errors.Join(err, g.stopLocked(ctx))
		}
		g.started = i + 1
	}
	return nil
}

// Stop stops the running services in reverse order, every one even when
// an earlier one fails, and joins their errors. Stop before Start, or a
// second Stop, does nothing.
func (g *Group) Stop(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stopLocked(ctx)
}

func (g *Group) stopLocked(ctx context.Context) error {
	var errs []error
	for i := g.started - 1; i >= 0; i-- {
		if err := g.services[i].Stop(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop %s: %w", g.names[i], err))
		}
	}
	g.started = 0
	return errors.Join(errs...)
}

// HTTPServer serves Server on Listener from Start until Stop, which shuts
// the server down gracefully (open requests finish within Stop's ctx).
// When Start's ctx ends first, the server is closed at once.
type HTTPServer struct {
	Server   *http.Server
	Listener net.Listener
	// OnError, when set, receives the error that ended Serve other than
	// the shutdown itself.
	OnError func(error)

	loop Loop
}

// Start serves in a goroutine of its own. It is an error to start an
// HTTPServer twice.
func (s *HTTPServer) Start(ctx context.Context) error {
	if s.Server == nil || s.Listener == nil {
		return errors.New("lifecycle: an HTTP server needs a server and a listener")
	}
	srv, ln, onError := s.Server, s.Listener, s.OnError
	return s.loop.start(ctx, func(ctx context.Context) {
		stop := context.AfterFunc(ctx, func() { _ = srv.Close() })
		defer stop()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && onError != nil {
			onError(err)
		}
	})
}

// Stop shuts the server down, waiting for open requests until ctx ends,
// and then for Serve to return. Stop before Start does nothing.
func (s *HTTPServer) Stop(ctx context.Context) error {
	s.loop.mu.Lock()
	started := s.loop.started
	s.loop.mu.Unlock()
	if !started {
		return nil
	}
	err := s.Server.Shutdown(ctx)
	return errors.Join(err, s.loop.Stop(ctx))
}
