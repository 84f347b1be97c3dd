package main

import (
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
)

// aiHTTPClient is the HTTP client of the Gemini and Claude clients: each
// call (and each retry) is a client span ("ai POST <host>") in the trace
// of the pipeline stage that makes it, and carries traceparent. tp nil is
// the global provider that observe.Setup installs.
func aiHTTPClient(tp trace.TracerProvider) *http.Client {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport,
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(otel.GetTextMapPropagator()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return "ai " + r.Method + " " + r.URL.Host }))}
}
