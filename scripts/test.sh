#!/usr/bin/env bash
# The project's test run: static checks, then every Go package under the race
# detector against the real PostgreSQL and Redis, a coverage figure, short
# fuzz runs, then the web app's tests. `scripts/test.sh lint` stops after the
# static checks.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
step() { printf '\n== %s\n' "$*"; }

step "go vet"
go vet ./...

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go') 2>/dev/null || true)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
echo "clean"

step "staticcheck"
# Pinned, built from the Go module proxy into bin/ on first use.
if [ ! -x bin/staticcheck ]; then
  GOBIN="$PWD/bin" go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi
bin/staticcheck ./...
echo "clean"
[ "${1:-}" = "lint" ] && exit 0

step "test photographs"
# The people tests use two of Debian's sample photographs: matplotlib's
# (python-matplotlib-data, installed by setup) and OpenCV's messi5.jpg,
# whose package (opencv-doc, 270 MB installed) is downloaded once and
# only that file unpacked, into a cache the tests find through
# KMEME_PHOTOS.
photos=${KMEME_PHOTOS:-$HOME/.cache/kmeme/test-photos}
messi=usr/share/doc/opencv-doc/examples/data/messi5.jpg
if [ ! -f "$photos/$messi" ] && [ ! -f "/$messi" ]; then
  mkdir -p "$photos/debs"
  if ! ls "$photos/debs/"opencv-doc_*.deb >/dev/null 2>&1; then
    (cd "$photos/debs" && apt-get download opencv-doc >/dev/null 2>&1) || echo "opencv-doc could not be downloaded: the tests that need messi5.jpg skip"
  fi
  if deb=$(ls "$photos/debs/"opencv-doc_*.deb 2>/dev/null | head -1) && [ -n "$deb" ]; then
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$photos" "./$messi"
    rm -f "$deb" # the photo is kept, the 95 MB package is not
  fi
fi
export KMEME_PHOTOS="$photos"
ls -la "$photos/$messi" 2>/dev/null || ls -la "/$messi" 2>/dev/null || true

step "go test -race"
mkdir -p bench-output
# -p 2: the machine has two cores; packages that need PostgreSQL create their own databases.
# -coverpkg: a statement counts as covered when any package's tests run it
# (the HTTP tests drive the repositories, for instance).
go test -race -p 2 -timeout 30m -covermode=atomic -coverpkg=./... -coverprofile=coverage.out ./... 2>&1 | tee bench-output/go-test.log
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ]; then
  echo "go test failed"; exit "$status"
fi

step "coverage (statements in non-generated code, benchmark programs and test helpers left out)"
grep -v -E '_gen\.go|\.pb\.go|/cmd/kmeme-bench/|/scripts/benchplatform/|/benchcache/|/pgtest/|/authtest/|/recipetest/|/redistest/|/mediatest/' coverage.out > coverage.filtered.out || true
go tool cover -func=coverage.filtered.out | tail -n 1 | awk '{print "total coverage: " $NF}'

step "fuzz (short runs)"
fuzz_secs=${KMEME_FUZZ_SECONDS:-5}
while read -r pkg name; do
  [ -z "$pkg" ] && continue
  # A finding always writes a reproducer ("Failing input written to testdata/fuzz/..."): that fails
  # the run. Go's engine can also exit non-zero at the -fuzztime boundary with nothing found
  # ("context deadline exceeded", golang/go#51484, or a worker "hung" while minimizing,
  # golang/go#56238); such a run is tried once more and, if it ends the same way, reported.
  # Minimizing new coverage is capped so a 5 s run spends its time fuzzing.
  ok=""
  for try in 1 2; do
    if go test -run='^$' -fuzz="^${name}\$" -fuzztime="${fuzz_secs}s" -fuzzminimizetime=200x "$pkg" >bench-output/fuzz.log 2>&1; then ok=1; break; fi
    if grep -q 'Failing input written to' bench-output/fuzz.log || ! grep -qE 'context deadline exceeded|fuzzing process hung or terminated unexpectedly' bench-output/fuzz.log; then
      tail -n 40 bench-output/fuzz.log; echo "fuzz $name failed"; exit 1
    fi
    echo "fuzz $name: the engine stopped without a finding (try $try): $(grep -m1 -oE 'context deadline exceeded|fuzzing process hung[^:]*' bench-output/fuzz.log)"
  done
  if [ -n "$ok" ]; then echo "fuzzed $pkg $name for ${fuzz_secs}s"; else echo "fuzz $name: no finding in two tries; the engine's boundary error is reported above"; fi
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | while read -r f; do
  d=$(dirname "$f"); for n in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$f" | awk '{print $2}'); do echo "./${d#./} $n"; done; done)

if [ -x scripts/test-web.sh ]; then
  step "web unit tests"
  scripts/test-web.sh
fi
if [ -x scripts/test-web-e2e.sh ] && [ "${KMEME_SKIP_E2E:-}" != "1" ]; then
  step "web end-to-end tests"
  scripts/test-web-e2e.sh
fi

step "summary"
passed=$(grep -c '^ok ' bench-output/go-test.log || true)
failed=$(grep -c '^FAIL' bench-output/go-test.log || true)
echo "go packages: ${passed} passed, ${failed} failed"
