// Package observe sets up logging, tracing (OpenTelemetry over OTLP/HTTP)
// and error reporting (Sentry) from configuration. With no endpoint or DSN
// configured, tracing and reporting are no-ops.
package observe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/getsentry/sentry-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Logger returns a JSON slog logger at the named level.
func Logger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// Config says where traces and errors go.
type Config struct {
	Service      string
	Version      string
	Environment  string
	OTLPEndpoint string // e.g. http://collector:4318; empty: no tracing
	SentryDSN    string // empty: no error reporting
}

// Setup installs the tracer provider and the Sentry client. The returned
// function flushes and stops both.
func Setup(ctx context.Context, c Config) (func(context.Context) error, error) {
	var stops []func(context.Context) error
	if c.OTLPEndpoint != "" {
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(c.OTLPEndpoint))
		if err != nil {
			return nil, fmt.Errorf("otlp exporter: %w", err)
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
		otel.SetTracerProvider(tp)
		stops = append(stops, tp.Shutdown)
	}
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	if c.SentryDSN != "" {
		if err := sentry.Init(sentry.ClientOptions{Dsn: c.SentryDSN, Release: c.Service + "@" + c.Version, Environment: c.Environment}); err != nil {
			return nil, fmt.Errorf("sentry: %w", err)
		}
		stops = append(stops, func(context.Context) error {
			sentry.Flush(2 * time.Second)
			return nil
		})
	}
	return func(ctx context.Context) error {
		var errs []error
		for _, s := range stops {
			errs = append(errs, s(ctx))
		}
		return errors.Join(errs...)
	}, nil
}
