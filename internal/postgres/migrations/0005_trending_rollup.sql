-- Trending at scale: the top families of the common windows (1, 7 and 30
-- days), refreshed by a River periodic job, so GET /api/trending reads a
-- few hundred rows instead of summing remix_family_daily over every family
-- active in the window. A window with no fresh rollup falls back to the
-- live sum (see postgres.TrendingFamilies).
CREATE TABLE remix_trending_rollup (
    days      smallint NOT NULL,
    root_id   uuid NOT NULL,
    remixes   integer NOT NULL,
    PRIMARY KEY (days, root_id)
);
CREATE INDEX remix_trending_rollup_rank ON remix_trending_rollup (days, remixes DESC, root_id);

-- When each window was last rebuilt, and for which first day.
CREATE TABLE remix_trending_refresh (
    days         smallint PRIMARY KEY,
    since_day    date NOT NULL,
    refreshed_at timestamptz NOT NULL
);
