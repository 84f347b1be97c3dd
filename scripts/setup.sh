#!/usr/bin/env bash
# Prepares this machine for K-MEME Factory, idempotently: Debian packages
# (PostgreSQL, Redis, PostGIS, ffmpeg, fonts, test tools), pgvector built from
# Debian's source package, running PostgreSQL and Redis, and the databases.
# Safe to run again and again; it only does what is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
log() { printf 'setup: %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# 1. Debian packages: the servers themselves and everything in apt-packages.txt.
want=(postgresql redis-server postgresql-15 postgresql-client-15 ca-certificates curl git make gcc)
while read -r p; do
  p=${p%%#*}; p=$(echo "$p" | xargs)
  [ -n "$p" ] && want+=("$p")
done < "$here/apt-packages.txt"
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Node.js for the web app (Debian's nodejs/npm when the machine has none).
if ! command -v npm >/dev/null; then
  log "installing nodejs and npm"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# 3. pgvector, built from Debian's source package (bookworm has no binary).
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
if [ ! -f "$($PG_CONFIG --sharedir)/extension/vector.control" ]; then
  log "building pgvector from Debian's source package"
  work=$(mktemp -d)
  chmod 755 "$work"; trap 'rm -rf "$work"' EXIT
  # The mirror is the one this machine already uses for Debian (its own apt sources), not a host
  # named here; only the suite differs (trixie ships pgvector, bookworm does not).
  mirror=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -oE '(https?|file)://[^ ]*/debian/?( |$)' | grep -v security | head -n1 | xargs || true)
  [ -n "$mirror" ] || { log "no Debian mirror found in /etc/apt/sources.list*"; exit 1; }
  echo "deb-src ${mirror%/} trixie main" > "$work/sources.list"
  mkdir -p "$work/lists/partial"
  aptopts=(-o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$work/lists")
  $SUDO apt-get "${aptopts[@]}" update -qq
  (cd "$work" && $SUDO apt-get "${aptopts[@]}" source --download-only pgvector >/dev/null)
  tarball=$(ls "$work"/pgvector_*.orig.tar.* | head -n1)
  mkdir -p "$work/src" && tar -xf "$tarball" -C "$work/src" --strip-components=1
  make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
  $SUDO make -s -C "$work/src" PG_CONFIG="$PG_CONFIG" install >/dev/null
fi

# 4. PostgreSQL running.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  log "starting PostgreSQL"
  ver=$(ls /etc/postgresql | sort -n | tail -n1)
  if ! pg_lsclusters -h | grep -q "^$ver main"; then $SUDO pg_createcluster "$ver" main >/dev/null; fi
  # Trust on loopback for the local default; a real deployment sets KMEME_DATABASE_URL with a password.
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    $SUDO sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$hba"
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi
pg_isready -q -h 127.0.0.1 -p 5432 || { log "PostgreSQL did not start"; exit 1; }
# Room for the pool (30) of a server, a worker and parallel test packages.
maxc=$(psql -h 127.0.0.1 -U postgres -Atc 'show max_connections')
if [ "$maxc" -lt 300 ]; then
  log "raising max_connections to 300 (restart)"
  psql -h 127.0.0.1 -U postgres -qc 'ALTER SYSTEM SET max_connections = 300'
  ver=$(ls /etc/postgresql | sort -n | tail -n1)
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main restart
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi

# 5. Redis running (the specification's settings when we start it ourselves).
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server "$root/deploy/redis.conf" --daemonize yes --dir /var/lib/redis --logfile /var/log/redis/kmeme.log
  for _ in $(seq 1 40); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.25; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { log "Redis did not start"; exit 1; }

# 6. Databases with the extensions (creating them needs a superuser; the app's migrations then find them).
for db in ${KMEME_SETUP_DATABASES:-kmeme kmeme_test}; do
  if ! psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname='$db'" | grep -q 1; then
    log "creating database $db"
    createdb -h 127.0.0.1 -U postgres "$db"
  fi
  psql -h 127.0.0.1 -U postgres -d "$db" -qc 'CREATE EXTENSION IF NOT EXISTS vector; CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS ltree; CREATE EXTENSION IF NOT EXISTS pg_trgm;' 2>&1 | grep -v NOTICE || true
done
log "ready"
