package observe

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getsentry/sentry-go"
	"go.opentelemetry.io/otel"
	coltrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// received is one request a local ingestion endpoint took.
type received struct {
	path, contentType, auth string
	body                    []byte
}

// recorder is a local endpoint that keeps what it is sent.
type recorder struct {
	mu   sync.Mutex
	reqs []received
}

func (rc *recorder) handler(answer string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			body = zr
		}
		b, _ := io.ReadAll(body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, received{r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("X-Sentry-Auth"), b})
		rc.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer)
	}
}

func (rc *recorder) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.reqs...)
}

func TestTracesURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://datadog-agent:4318":                    "http://datadog-agent:4318/v1/traces",
		"http://datadog-agent:4318/":                   "http://datadog-agent:4318/v1/traces",
		"https://otlp.example.com/v1/traces":           "https://otlp.example.com/v1/traces",
		"https://collector.example.com/otlp/v1/traces": "https://collector.example.com/otlp/v1/traces",
	} {
		if got, err := TracesURL(in); err != nil || got != want {
			t.Errorf("TracesURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"datadog-agent:4318", "ftp://x/", "http://"} {
		if _, err := TracesURL(bad); err == nil || !strings.Contains(err.Error(), "KMEME_OTLP_ENDPOINT") {
			t.Errorf("TracesURL(%q): want an error naming the variable, got %v", bad, err)
		}
	}
}

// TestTracesAndErrorsReachTheirEndpoints: with only the two settings, spans
// go out as OTLP/HTTP protobuf to /v1/traces (what the Datadog Agent's OTLP
// receiver and a Collector take) and errors as a Sentry envelope to
// /api/<project>/envelope/ authenticated with the DSN's key.
func TestTracesAndErrorsReachTheirEndpoints(t *testing.T) {
	var otlp, sentryRec recorder
	otlpSrv := httptest.NewServer(otlp.handler(`{}`))
	defer otlpSrv.Close()
	sentrySrv := httptest.NewServer(sentryRec.handler(`{"id":"x"}`))
	defer sentrySrv.Close()
	dsn := "http://k3yk3yk3y@" + strings.TrimPrefix(sentrySrv.URL, "http://") + "/42"

	ctx := context.Background()
	stop, err := Setup(ctx, Config{Service: "kmeme", Version: "1.2.3", Environment: "staging",
		OTLPEndpoint: otlpSrv.URL, SentryDSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	tr := otel.Tracer("test")
	pctx, parent := tr.Start(ctx, "POST /api/remixes")
	_, child := tr.Start(pctx, "ffmpeg")
	child.End()
	parent.End()
	sentry.CaptureException(errors.New("render failed: 자막 파일이 없습니다"))
	if err := stop(ctx); err != nil {
		t.Fatal(err)
	}

	// Traces.
	reqs := otlp.all()
	if len(reqs) == 0 {
		t.Fatal("no OTLP export arrived")
	}
	type span struct{ name, trace, id, parent string }
	var spans []span
	var service, env string
	for _, r := range reqs {
		if r.path != "/v1/traces" || r.contentType != "application/x-protobuf" {
			t.Fatalf("OTLP export to %s as %q, want /v1/traces as application/x-protobuf", r.path, r.contentType)
		}
		var req coltrace.ExportTraceServiceRequest
		if err := proto.Unmarshal(r.body, &req); err != nil {
			t.Fatalf("OTLP body: %v", err)
		}
		for _, rs := range req.ResourceSpans {
			for _, kv := range rs.Resource.Attributes {
				switch kv.Key {
				case "service.name":
					service = kv.Value.GetStringValue()
				case "deployment.environment":
					env = kv.Value.GetStringValue()
				}
			}
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					spans = append(spans, span{s.Name, string(s.TraceId), string(s.SpanId), string(s.ParentSpanId)})
				}
			}
		}
	}
	if service != "kmeme" || env != "staging" {
		t.Errorf("resource service.name %q, deployment.environment %q", service, env)
	}
	if len(spans) != 2 {
		t.Fatalf("want 2 spans, got %+v", spans)
	}
	byName := map[string]span{}
	for _, s := range spans {
		byName[s.name] = s
	}
	p, c := byName["POST /api/remixes"], byName["ffmpeg"]
	if p.id == "" || c.parent != p.id || c.trace != p.trace {
		t.Errorf("ffmpeg span is not the request span's child: %+v", spans)
	}

	// Errors.
	sreqs := sentryRec.all()
	if len(sreqs) != 1 {
		t.Fatalf("want 1 Sentry request, got %d", len(sreqs))
	}
	r := sreqs[0]
	if r.path != "/api/42/envelope/" {
		t.Errorf("Sentry request to %s", r.path)
	}
	if !strings.Contains(r.auth, "sentry_key=k3yk3yk3y") {
		t.Errorf("X-Sentry-Auth %q lacks the DSN's key", r.auth)
	}
	// An envelope: a header line, then item header and payload lines.
	sc := bufio.NewScanner(bytes.NewReader(r.body))
	sc.Buffer(nil, 1<<20)
	var lines [][]byte
	for sc.Scan() {
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	var found bool
	for i := 1; i+1 < len(lines); i++ {
		var item struct{ Type string }
		if json.Unmarshal(lines[i], &item) != nil || item.Type != "event" {
			continue
		}
		var ev struct {
			Release, Environment string
			Exception            []struct{ Value string }
		}
		if err := json.Unmarshal(lines[i+1], &ev); err != nil {
			t.Fatalf("event payload: %v", err)
		}
		if ev.Release != "kmeme@1.2.3" || ev.Environment != "staging" || len(ev.Exception) == 0 ||
			ev.Exception[len(ev.Exception)-1].Value != "render failed: 자막 파일이 없습니다" {
			t.Errorf("event %+v", ev)
		}
		found = true
	}
	if !found {
		t.Fatalf("no event item in the envelope:\n%s", r.body)
	}
}
