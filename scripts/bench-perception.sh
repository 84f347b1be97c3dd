#!/usr/bin/env bash
# bench-perception: build the perception corpus (truth by construction:
# real photographs with people at known framings, photos without people,
# burned-in meme captions, espeak-ng Korean speech, music beds, silence, a
# clip without audio) and print the perception table and its time cost.
# Called by `make bench-perception`.
#   ITEMS=30 SEED=1 OUT=bench-output/perception REGEN=1 VERBOSE=1 scripts/bench-perception.sh
# A quicker look: ONLY='^p0' (items whose name matches) and RUNS=1.
# The photographs come from Debian packages fetched here with apt-get
# download (never committed); their faces were recorded by hand in
# cmd/kmeme-bench/perception-photos.json.
# HELDOUT=1 builds and scores our held-out corpus instead (OUT defaults to
# bench-output/perception-heldout): photos from kphotoalbum, python3-skimage
# and facedetect only, truth in cmd/kmeme-bench/perception-photos-heldout.json.
# It is for measuring; never tune a detector on its figures or misses.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${ITEMS:-30}
SEED=${SEED:-1}
if [ "${HELDOUT:-0}" = 1 ]; then
  SET=heldout
  OUT=${OUT:-bench-output/perception-heldout}
  PHOTOS=${PHOTOS:-bench-output/perception-heldout-photos}
  PKGS="kphotoalbum python3-skimage facedetect"
else
  SET=tuning
  OUT=${OUT:-bench-output/perception}
  PHOTOS=${PHOTOS:-bench-output/perception-photos}
  PKGS="python-matplotlib-data opencv-doc"
fi

need=()
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v tesseract >/dev/null || need+=(tesseract-ocr)
command -v fluidsynth >/dev/null || need+=(fluidsynth)
[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || need+=(fluid-soundfont-gm)
command -v espeak-ng >/dev/null || need+=(espeak-ng)
[ -f /usr/share/fonts/truetype/nanum/NanumGothicBold.ttf ] || need+=(fonts-nanum)
[ -d /usr/share/backgrounds/mate/nature ] || need+=(mate-backgrounds)
[ -d /usr/share/opencv4/haarcascades ] || need+=(opencv-data)
if [ ${#need[@]} -gt 0 ]; then
  for p in "${need[@]}"; do
    grep -qx "$p" scripts/apt-packages.txt || { echo "bench-perception: $p is not in scripts/apt-packages.txt" >&2; exit 1; }
  done
  echo "bench-perception: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >&2
fi

# the photographs: unpacked from the packages, not installed
mkdir -p "$PHOTOS/debs"
for pkg in $PKGS; do
  if ! ls "$PHOTOS/debs/${pkg}_"*.deb >/dev/null 2>&1; then
    (cd "$PHOTOS/debs" && apt-get download "$pkg" >&2)
  fi
  dpkg-deb -x "$(ls "$PHOTOS/debs/${pkg}_"*.deb | head -1)" "$PHOTOS"
done

mkdir -p bin
go build -o bin/kmeme-bench ./cmd/kmeme-bench
if [ ! -f "$OUT/ptruth.json" ] || [ "${REGEN:-0}" = 1 ]; then
  rm -rf "$OUT"
  ./bin/kmeme-bench pgen -out "$OUT" -photo-root "$PHOTOS" -photo-set "$SET" -items "$ITEMS" -seed "$SEED"
fi
./bin/kmeme-bench pscore -corpus "$OUT" -runs "${RUNS:-3}" ${VERBOSE:+-v} ${ONLY:+-only "$ONLY"}
