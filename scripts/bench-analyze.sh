#!/usr/bin/env bash
# bench-analyze: build a ground-truth corpus and score `kmeme analyze`
# against it side by side with aubio (tempo, beat), bpm-tools (tempo) and
# ffmpeg's scene score. Called by `make bench-analyze`.
#   ITEMS=42 SEED=1 DUR=20 OUT=bench-output/corpus scripts/bench-analyze.sh
# Two kinds of items:
#   generated: music rendered from generated MIDI (with and without drums,
#     4/4 and 3/4, some starting at 0:00), Korean speech, ambient pads,
#     free-rhythm piano, noise, silence; truth from construction.
#   real: tracker modules (MOD, XM) shipped in Debian game packages
#     ($MODULE_PKGS), fetched with apt-get download into $MODS at bench time
#     and never committed; rendered with openmpt123; truth from each
#     module's own speed/tempo/row grid, checked against the onsets of the
#     rendering (modules whose grid does not match are skipped).
# Every third item of each kind is held out ("test", "real-test").
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${ITEMS:-42}
SEED=${SEED:-1}
DUR=${DUR:-20}
OUT=${OUT:-bench-output/corpus}
MODS=${MODS:-bench-output/modules}
# Not any of the packages the private held-out set draws on (issue 10).
MODULE_PKGS=${MODULE_PKGS:-freedroid-data solarwolf}
# More modules to tune on, all in the real-dev2 split (none held out), so
# the first two real splits keep their files: also none of the ten.
MODULE_DEV_PKGS=${MODULE_DEV_PKGS-circuslinux-data open-invaders-data ri-li-data}

need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v aubio >/dev/null || need+=(aubio-tools)
command -v fluidsynth >/dev/null || need+=(fluidsynth)
[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || need+=(fluid-soundfont-gm)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v openmpt123 >/dev/null || need+=(openmpt123)
command -v bpm >/dev/null || need+=(bpm-tools)
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
# the real-music modules: downloaded once into $MODS/debs, unpacked, collected
mkdir -p "$MODS/debs" "$MODS/files" "$MODS/dev-files"
unpack() { # package, directory, file-name prefix
  if ! ls "$MODS/debs/${1}_"*.deb >/dev/null 2>&1; then
    (cd "$MODS/debs" && apt-get download "$1" >&2) || { echo "bench-analyze: apt-get download $1 failed (run apt-get update?)" >&2; exit 1; }
  fi
  rm -rf "$MODS/x" && mkdir -p "$MODS/x"
  dpkg -x "$MODS/debs/${1}_"*.deb "$MODS/x"
  find "$MODS/x" -type f \( -iname '*.mod' -o -iname '*.xm' \) -print0 |
    while IFS= read -r -d '' f; do cp "$f" "$2/$3$(basename "$f")"; done
}
for p in $MODULE_PKGS; do unpack "$p" "$MODS/files" ""; done
# packages share file names (hiscore.mod): prefix the package
for p in $MODULE_DEV_PKGS; do unpack "$p" "$MODS/dev-files" "$p-"; done
rm -rf "$MODS/x"
if [ ! -f "$OUT/truth.json" ] || [ "${REGEN:-0}" = 1 ]; then
  rm -rf "$OUT"
  ./bin/kmeme-bench gen -out "$OUT" -items "$ITEMS" -seed "$SEED" -dur "$DUR" -modules "$MODS/files" ${MODULE_DEV_PKGS:+-dev-modules "$MODS/dev-files"} -real-dur 30
fi
./bin/kmeme-bench score -corpus "$OUT" -kmeme bin/kmeme ${VERBOSE:+-v}
