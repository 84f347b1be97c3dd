package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kmeme-factory/kmeme/internal/kmeme"
)

// TrendingWindows are the windows (days) kept in the trending rollup.
var TrendingWindows = []int{1, 7, 30}

// TrendingRollupKeep is how many families each window's rollup keeps: the
// most trending asks for (kmeme.MaxTrending) with the margin it takes before the
// visibility check.
const TrendingRollupKeep = kmeme.MaxTrending * 4

// TrendingRollupMaxAge is how old a rollup may be and still be read; an
// older one (no worker running the refresh) gives way to the live sum.
const TrendingRollupMaxAge = 5 * time.Minute

// RefreshTrending rebuilds each window's rollup as of now, in one
// transaction per window (readers see the old rollup or the new one).
func RefreshTrending(ctx context.Context, db DBTX, now time.Time) error {
	for _, days := range TrendingWindows {
		since := trendingSince(now, days)
		err := InTx(ctx, db, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `DELETE FROM remix_trending_rollup WHERE days = $1`, days); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO remix_trending_rollup (days, root_id, remixes)
				SELECT $1, root_id, sum(remixes)::int FROM remix_family_daily
				WHERE day >= $2::date GROUP BY root_id HAVING sum(remixes) > 0
				ORDER BY 3 DESC, 2 LIMIT $3`, days, since, TrendingRollupKeep); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO remix_trending_refresh (days, since_day, refreshed_at) VALUES ($1, $2::date, $3)
				ON CONFLICT (days) DO UPDATE SET since_day = EXCLUDED.since_day, refreshed_at = EXCLUDED.refreshed_at`, days, since, now)
			return err
		})
		if err != nil {
			return translate(err, "refresh trending")
		}
	}
	return nil
}

// trendingSince is the first (UTC) day of a window of days ending today,
// as the API computes it.
func trendingSince(now time.Time, days int) time.Time {
	return now.UTC().AddDate(0, 0, -(days - 1))
}
