package worker

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/kmeme-factory/kmeme/internal/postgres"
)

// KindTrending is the periodic job that rebuilds the trending rollup.
const KindTrending = "kmeme_trending_refresh"

// MaintenanceQueue holds periodic jobs, apart from the pipeline's queue so
// that long renders never hold them up.
const MaintenanceQueue = "kmeme_maintenance"

// TrendingEvery is how often the rollup is rebuilt (the rollup is read
// while younger than postgres.TrendingRollupMaxAge).
const TrendingEvery = time.Minute

// TrendingArgs asks for the trending rollup to be rebuilt.
type TrendingArgs struct{}

// Kind implements river.JobArgs.
func (TrendingArgs) Kind() string { return KindTrending }

type trendingWorker struct {
	river.WorkerDefaults[TrendingArgs]
	p *Pipeline
}

func (w *trendingWorker) Timeout(*river.Job[TrendingArgs]) time.Duration { return TrendingEvery }

func (w *trendingWorker) Work(ctx context.Context, _ *river.Job[TrendingArgs]) error {
	return postgres.RefreshTrending(ctx, w.p.pool, time.Now())
}

// trendingPeriodic runs the refresh every TrendingEvery, and at start; River
// runs periodic jobs on its elected leader only, so however many worker
// processes there are, one refresh runs at a time.
func trendingPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(TrendingEvery),
		func() (river.JobArgs, *river.InsertOpts) {
			return TrendingArgs{}, &river.InsertOpts{Queue: MaintenanceQueue, MaxAttempts: 1}
		}, &river.PeriodicJobOpts{RunOnStart: true})
}
