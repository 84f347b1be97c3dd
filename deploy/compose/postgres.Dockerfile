# PostgreSQL 15 with PostGIS 3 and pgvector (the migrations create vector,
# postgis, ltree and pg_trgm).
FROM postgis/postgis:15-3.4
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15-pgvector \
 && rm -rf /var/lib/apt/lists/*
