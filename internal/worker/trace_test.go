package worker_test

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getsentry/sentry-go"
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
	"github.com/kmeme-factory/kmeme/internal/observe"
	"github.com/kmeme-factory/kmeme/internal/postgres"
	"github.com/kmeme-factory/kmeme/internal/worker"
)

type gotSpan struct{ name, trace, id, parent string }

// otlpSink is a local OTLP/HTTP traces endpoint.
type otlpSink struct {
	mu    sync.Mutex
	spans []gotSpan
}

func (s *otlpSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var req coltrace.ExportTraceServiceRequest
	if r.URL.Path != "/v1/traces" || proto.Unmarshal(b, &req) != nil {
		http.Error(w, "bad export", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				s.spans = append(s.spans, gotSpan{sp.Name, hex.EncodeToString(sp.TraceId), hex.EncodeToString(sp.SpanId), hex.EncodeToString(sp.ParentSpanId)})
			}
		}
	}
	_, _ = w.Write([]byte("{}"))
}

// TestOneTraceFromRequestToFFmpeg: the request that enqueues a remix, its
// three River stages and every media tool they run make one span tree,
// exported over OTLP/HTTP; the job rows carry the W3C trace context.
func TestOneTraceFromRequestToFFmpeg(t *testing.T) {
	sink := &otlpSink{}
	srv := httptest.NewServer(sink)
	defer srv.Close()
	ctx := context.Background()
	stop, err := observe.Setup(ctx, observe.Config{Service: "kmeme", Version: "test", Environment: "test", OTLPEndpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	b := setup(t)
	p := b.pipeline(t, 2, nil)
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	videoID := b.video(t, clip(t))

	// The HTTP request's span, as httpapi starts it.
	rctx, request := otel.Tracer("test").Start(ctx, "POST /api/remixes", trace.WithSpanKind(trace.SpanKindServer))
	var nodeID string
	err = postgres.InTx(rctx, b.db.Pool, func(tx pgx.Tx) error {
		n, err := postgres.CreateNodeTx(rctx, tx, kmeme.NewNode{Title: "추적", VideoID: &videoID, Status: kmeme.StatusQueued})
		if err != nil {
			return err
		}
		nodeID = n.ID
		return p.EnqueueTx(rctx, tx, n.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	request.End()
	traceID := request.SpanContext().TraceID().String()
	if n := b.waitStatus(t, nodeID, 2*time.Minute); n.Status != kmeme.StatusDone {
		t.Fatalf("node %s: %s %s", nodeID, n.Status, b.errorOf(t, nodeID))
	}
	if err := p.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := stop(ctx); err != nil { // flushes the batch
		t.Fatal(err)
	}

	// Every job row carries the trace.
	rows, err := b.db.Pool.Query(ctx, `SELECT kind, coalesce(args->'trace'->>'traceparent', '') FROM river_job WHERE args->>'node_id' = $1`, nodeID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for rows.Next() {
		var kind, tp string
		if err := rows.Scan(&kind, &tp); err != nil {
			t.Fatal(err)
		}
		kinds[kind] = tp
	}
	rows.Close()
	for _, k := range []string{worker.KindAnalyze, worker.KindPlan, worker.KindRender} {
		if !strings.HasPrefix(kinds[k], "00-"+traceID+"-") {
			t.Errorf("%s job's traceparent %q is not of trace %s", k, kinds[k], traceID)
		}
	}

	// The span tree.
	sink.mu.Lock()
	spans := append([]gotSpan(nil), sink.spans...)
	sink.mu.Unlock()
	byID := map[string]gotSpan{}
	var mine []gotSpan
	for _, s := range spans {
		if s.trace == traceID {
			byID[s.id] = s
			mine = append(mine, s)
		}
	}
	stage := map[string]gotSpan{}
	tools := map[string]int{}
	for _, s := range mine {
		if strings.HasPrefix(s.name, "stage ") {
			stage[strings.TrimPrefix(s.name, "stage ")] = s
		}
		if strings.HasPrefix(s.name, "exec ") {
			tools[s.name]++
		}
		if s.name != "POST /api/remixes" {
			if _, ok := byID[s.parent]; !ok {
				t.Errorf("span %q has a parent %s outside the exported tree", s.name, s.parent)
			}
		}
	}
	reqID := request.SpanContext().SpanID().String()
	if stage["analyze"].parent != reqID || stage["plan"].parent != stage["analyze"].id || stage["render"].parent != stage["plan"].id {
		t.Fatalf("stages are not request → analyze → plan → render: %+v", stage)
	}
	if tools["exec ffprobe"] == 0 || tools["exec ffmpeg"] == 0 {
		t.Fatalf("no ffprobe/ffmpeg runs in the trace: %v", tools)
	}
	// Each tool run hangs under a stage.
	for _, s := range mine {
		if !strings.HasPrefix(s.name, "exec ") {
			continue
		}
		cur, found := s, false
		for range len(mine) {
			par, ok := byID[cur.parent]
			if !ok {
				break
			}
			if strings.HasPrefix(par.name, "stage ") {
				found = true
				break
			}
			cur = par
		}
		if !found {
			t.Errorf("%s is not under a stage span", s.name)
		}
	}
	t.Logf("trace %s: %d spans, stages %d, tool runs %v", traceID, len(mine), len(stage), tools)
}

// TestInternalFailureReachesSentry: a stage that fails for good for an
// internal reason is reported as a Sentry envelope with stage and node
// tags; a video that cannot be used (the creator's input) is not.
func TestInternalFailureReachesSentry(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/api/7/envelope/" && strings.Contains(r.Header.Get("X-Sentry-Auth"), "sentry_key=workerkey") {
			mu.Lock()
			bodies = append(bodies, string(b))
			mu.Unlock()
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	ctx := context.Background()
	stop, err := observe.Setup(ctx, observe.Config{Service: "kmeme", Version: "test", Environment: "test",
		SentryDSN: "http://workerkey@" + strings.TrimPrefix(srv.URL, "http://") + "/7"})
	if err != nil {
		t.Fatal(err)
	}
	defer sentry.CurrentHub().BindClient(nil)
	b := setup(t)
	p := b.pipeline(t, 1, func(_ context.Context, stage, _ string, _ int) error {
		if stage == "plan" {
			return errors.New("blob store unreachable: connection refused")
		}
		return nil
	})
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Stop(context.Background()) }()
	failed := b.remix(t, p, b.video(t, clip(t)))
	poison := b.remix(t, p, b.video(t, []byte("not a video at all, only text\n")))
	for _, id := range []string{failed, poison} {
		if n := b.waitStatus(t, id, 2*time.Minute); n.Status != kmeme.StatusFailed {
			t.Fatalf("node %s: %s", id, n.Status)
		}
	}
	if err := stop(ctx); err != nil { // flushes
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 {
		t.Fatalf("want exactly one Sentry report (the internal failure), got %d:\n%s", len(bodies), strings.Join(bodies, "\n---\n"))
	}
	for _, want := range []string{"blob store unreachable", `"kmeme.stage":"plan"`, `"kmeme.node_id":"` + failed + `"`} {
		if !strings.Contains(bodies[0], want) {
			t.Errorf("report lacks %s:\n%s", want, bodies[0])
		}
	}
}
