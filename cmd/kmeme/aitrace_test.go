package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// An AI call made under a stage's span is that span's child and sends the
// trace on to the provider (traceparent).
func TestAICallsAreSpansInTheStageTrace(t *testing.T) {
	var gotParent string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotParent = r.Header.Get("traceparent")
		_, _ = w.Write([]byte("{}"))
	}))
	defer srv.Close()
	otel.SetTextMapPropagator(propagation.TraceContext{}) // what observe.Setup installs
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	ctx, stage := tp.Tracer("test").Start(context.Background(), "stage plan")
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/messages", strings.NewReader("{}"))
	resp, err := aiHTTPClient(tp).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	stage.End()
	var call sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if strings.HasPrefix(s.Name(), "ai POST ") {
			call = s
		}
	}
	if call == nil {
		t.Fatalf("no AI call span among %d spans", len(rec.Ended()))
	}
	if call.Parent().SpanID() != stage.SpanContext().SpanID() || call.SpanContext().TraceID() != stage.SpanContext().TraceID() {
		t.Errorf("AI call span is not the stage's child")
	}
	if !strings.Contains(gotParent, stage.SpanContext().TraceID().String()) {
		t.Errorf("provider received traceparent %q, not trace %s", gotParent, stage.SpanContext().TraceID())
	}
}
