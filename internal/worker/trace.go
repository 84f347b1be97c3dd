package worker

import (
	"context"
	"strconv"

	"github.com/getsentry/sentry-go"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// traceContext returns the W3C trace context of ctx (traceparent and
// tracestate) for a job's arguments, so the stage that runs it, in any
// worker process, continues the trace of the request that enqueued it.
// Empty when ctx carries no span.
func traceContext(ctx context.Context) map[string]string {
	c := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, c)
	if len(c) == 0 {
		return nil
	}
	return c
}

// stageSpan starts the span of one stage's attempt under the trace the job
// carries; end records the stage's outcome.
func stageSpan(ctx context.Context, stage, nodeID string, attempt int, carrier map[string]string) (context.Context, func(error)) {
	if len(carrier) > 0 {
		ctx = otel.GetTextMapPropagator().Extract(ctx, propagation.MapCarrier(carrier))
	}
	ctx, span := otel.Tracer("kmeme/worker").Start(ctx, "stage "+stage, trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("kmeme.stage", stage), attribute.String("kmeme.node_id", nodeID),
			attribute.Int("kmeme.attempt", attempt)))
	return ctx, func(err error) {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}
}

// reportFailure sends a stage that failed for good for a reason other than
// its video (an internal error: storage, database, a bug) to Sentry, when
// a DSN is configured, tagged with the stage and node and carrying the
// trace id so the report and the trace find each other.
func reportFailure(ctx context.Context, stage, nodeID string, attempt int, err error) {
	hub := sentry.GetHubFromContext(ctx)
	if hub == nil {
		hub = sentry.CurrentHub()
	}
	if hub.Client() == nil {
		return
	}
	hub.WithScope(func(scope *sentry.Scope) {
		scope.SetTag("kmeme.stage", stage)
		scope.SetTag("kmeme.node_id", nodeID)
		scope.SetTag("kmeme.attempt", strconv.Itoa(attempt))
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			scope.SetTag("trace_id", sc.TraceID().String())
		}
		hub.CaptureException(err)
	})
}
