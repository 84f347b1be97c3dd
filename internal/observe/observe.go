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
	"net/url"
	"time"

	"github.com/getsentry/sentry-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
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
	OTLPEndpoint string // base URL such as http://datadog-agent:4318 (or a full …/v1/traces URL); empty: no tracing
	SentryDSN    string // empty: no error reporting
}

// TracesURL turns the configured OTLP endpoint into the traces URL. Like
// OTEL_EXPORTER_OTLP_ENDPOINT, a base URL (the Datadog Agent's or a
// Collector's http://host:4318) gets the signal path /v1/traces; a URL that
// already has a path is used as it is.
func TracesURL(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("KMEME_OTLP_ENDPOINT: %q is not an http:// or https:// URL", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/traces"
	}
	return u.String(), nil
}

// Setup installs the tracer provider and the Sentry client. The returned
// function flushes and stops both.
func Setup(ctx context.Context, c Config) (func(context.Context) error, error) {
	var stops []func(context.Context) error
	if c.OTLPEndpoint != "" {
		endpoint, err := TracesURL(c.OTLPEndpoint)
		if err != nil {
			return nil, err
		}
		exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
		if err != nil {
			return nil, fmt.Errorf("otlp exporter: %w", err)
		}
		// Datadog and every OTLP backend name the service from the resource.
		res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
			attribute.String("service.name", c.Service),
			attribute.String("service.version", c.Version),
			attribute.String("deployment.environment.name", c.Environment),
			attribute.String("deployment.environment", c.Environment), // the name Datadog's mapping still reads
		))
		if err != nil {
			res = resource.NewSchemaless(attribute.String("service.name", c.Service))
		}
		tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
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
