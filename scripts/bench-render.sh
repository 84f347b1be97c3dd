#!/usr/bin/env bash
# bench-render: time to render every file of a 20 s and a 60 s music
# recipe (analysis.json … timeline.edl, the animatic preview.mp4 and
# kmeme-bundle.zip), from synthetic analyses with keyframes and a generated
# source with sound. Prints, per clip length: files-s (all text, image and
# PDF files), preview-s (the animatic), bundle-s (the ZIP) and
# preview-x-clip (animatic render time / clip length; the target is < 1).
# Extra flags pass to go test, e.g. scripts/bench-render.sh -benchtime 5x
set -euo pipefail
cd "$(dirname "$0")/.."
echo "bench-render on $(nproc) CPU(s), $(ffmpeg -hide_banner -version | head -1)"
exec go test ./internal/render -run '^$' -bench '^BenchmarkRenderAll$' -benchtime 3x "$@"
