#!/usr/bin/env bash
# bench-analyze: build a ground-truth corpus (generated; truth from
# construction) and score `kmeme analyze` against it side by side with
# aubio (tempo, beat) and ffmpeg's scene score. Called by `make bench-analyze`.
#   ITEMS=36 SEED=1 DUR=20 OUT=bench-output/corpus scripts/bench-analyze.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${ITEMS:-36}
SEED=${SEED:-1}
DUR=${DUR:-20}
OUT=${OUT:-bench-output/corpus}

need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v aubio >/dev/null || need+=(aubio-tools)
command -v fluidsynth >/dev/null || need+=(fluidsynth)
[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || need+=(fluid-soundfont-gm)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
[ -f /usr/share/fonts/truetype/nanum/NanumGothicBold.ttf ] || need+=(fonts-nanum)
[ -d /usr/share/backgrounds/mate/nature ] || need+=(mate-backgrounds)
if [ ${#need[@]} -gt 0 ]; then
  for p in "${need[@]}"; do
    grep -qx "$p" scripts/apt-packages.txt || { echo "bench-analyze: $p is not in scripts/apt-packages.txt" >&2; exit 1; }
  done
  echo "bench-analyze: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >&2
fi

mkdir -p bin
go build -o bin/kmeme ./cmd/kmeme
go build -o bin/kmeme-bench ./cmd/kmeme-bench
if [ ! -f "$OUT/truth.json" ] || [ "${REGEN:-0}" = 1 ]; then
  rm -rf "$OUT"
  ./bin/kmeme-bench gen -out "$OUT" -items "$ITEMS" -seed "$SEED" -dur "$DUR"
fi
./bin/kmeme-bench score -corpus "$OUT" -kmeme bin/kmeme ${VERBOSE:+-v}
