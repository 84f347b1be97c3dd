package perception

import (
	"context"
	"sync"
	"time"
)

// earlyBatch is how many finished text tracks the background reader
// waits for before it reads them: every batch pays tesseract's start-up
// (about 0.15 s a run, up to four runs) once.
const earlyBatch = 6

// earlyReader reads the text tracks that have finished (their region
// vanished) while the video still decodes, in a goroutine beside it, so
// that Finish is left with the tracks still on screen at the end. It
// reads only regions Finish would read itself, each as Finish would (a
// region's reading depends on its own crop alone), so when a region is
// read does not change what is read; Finish reads any region it finds
// unread.
type earlyReader struct {
	opt   Options
	batch int // tracks a batch waits for; 0: no early reading

	mu      sync.Mutex
	queue   []*track
	read    map[*track]ocrResult
	r       *ocrReader // nil until the first batch found tesseract
	stopped bool       // Finish or Close: no batch starts any more
	cancel  context.CancelFunc
	wake    chan struct{}
	exited  chan struct{} // closed when the goroutine is gone; nil before it starts
	reading bool          // a batch is under way
}

func newEarlyReader(opt Options) *earlyReader {
	return &earlyReader{opt: opt, batch: earlyBatch, read: map[*track]ocrResult{}}
}

// add queues finished tracks and starts the goroutine at the first.
func (e *earlyReader) add(trs []*track) {
	if e.batch <= 0 || len(trs) == 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return
	}
	e.queue = append(e.queue, trs...)
	if e.exited == nil {
		var ctx context.Context
		ctx, e.cancel = context.WithCancel(context.Background())
		e.wake = make(chan struct{}, 1)
		e.exited = make(chan struct{})
		go e.loop(ctx, e.wake, e.exited)
	}
	if len(e.queue) >= e.batch {
		select {
		case e.wake <- struct{}{}:
		default:
		}
	}
}

func (e *earlyReader) loop(ctx context.Context, wake <-chan struct{}, exited chan<- struct{}) {
	defer close(exited)
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		}
		e.mu.Lock()
		if e.stopped {
			e.mu.Unlock()
			return
		}
		if len(e.queue) < e.batch {
			e.mu.Unlock()
			continue
		}
		batch := e.queue
		e.queue = nil
		e.reading = true
		r := e.r
		e.mu.Unlock()
		if r == nil {
			// a missing tesseract or language is Finish's to report: it
			// looks again
			ts, notes, err := findTesseract(ctx, e.opt)
			if err != nil {
				e.done()
				return
			}
			r = &ocrReader{ts: ts, notes: notes, low: true}
			if err := r.makeDir(e.opt); err != nil {
				e.done()
				return
			}
			e.own(r)
		}
		t0 := time.Now()
		crops := make([]crop, len(batch))
		for i, tr := range batch {
			crops[i] = tr.crop
		}
		res, err := r.readRegions(ctx, crops)
		if err != nil {
			// Finish reads these again, and reports a failure then
			trace("ocr: early batch of %d regions dropped after %.2f s: %v", len(batch), time.Since(t0).Seconds(), err)
			e.done()
			continue
		}
		trace("ocr: early batch of %d regions read in %.2f s", len(batch), time.Since(t0).Seconds())
		e.mu.Lock()
		for i, tr := range batch {
			e.read[tr] = res[i]
		}
		e.reading = false
		e.mu.Unlock()
	}
}

// done marks the batch under way over.
func (e *earlyReader) done() {
	e.mu.Lock()
	e.reading = false
	e.mu.Unlock()
}

// idle reports whether no batch is under way or waiting to start.
func (e *earlyReader) idle() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return !e.reading && (len(e.queue) < e.batch || e.stopped || e.exited == nil)
}

// own makes r the reader whose crops Close removes.
func (e *earlyReader) own(r *ocrReader) {
	e.mu.Lock()
	e.r = r
	e.mu.Unlock()
}

// finish stops the goroutine and returns the reader, nil when none was
// made, and the readings. A batch still under way is dropped (its
// tesseract killed) and its regions are left to Finish, which reads them
// with the rest in one batch at full priority: Finish never waits on a
// low-priority batch, nor pays for two batches in a row.
func (e *earlyReader) finish() (*ocrReader, map[*track]ocrResult) {
	e.halt()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.r != nil {
		e.r.low = false // Finish's own reads are the critical path
	}
	return e.r, e.read
}

// halt stops the goroutine: no batch starts after it, the one under way is
// cancelled, and it returns once the goroutine has exited.
func (e *earlyReader) halt() {
	e.mu.Lock()
	e.stopped = true
	exited := e.exited
	e.mu.Unlock()
	e.abort()
	if exited != nil {
		<-exited
	}
}

// abort cancels the batch under way.
func (e *earlyReader) abort() {
	e.mu.Lock()
	cancel := e.cancel
	e.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// close stops the goroutine, killing a tesseract under way, and removes
// the crops. It may be called more than once.
func (e *earlyReader) close() {
	e.halt()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.r.remove()
	e.queue = nil
}
