# The kmeme binary with the media tools it runs (ffmpeg, Tesseract with
# Korean, OpenCV, fonts). Built from the repository root.
FROM golang:1.26-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libopencv-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -o /out/kmeme ./cmd/kmeme \
 && ldd /out/kmeme | awk '/=> \//{print $3}' | { xargs -r dpkg -S 2>/dev/null || true; } | cut -d: -f1 | sort -u > /out/runtime-packages

FROM debian:bookworm-slim
# The shared libraries the binary links (OpenCV's, found by ldd at build time).
COPY --from=build /out/runtime-packages /tmp/runtime-packages
RUN apt-get update && apt-get install -y --no-install-recommends \
      ca-certificates wget ffmpeg tesseract-ocr tesseract-ocr-kor tesseract-ocr-eng \
      opencv-data fonts-nanum espeak-ng $(cat /tmp/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/kmeme --create-home kmeme
COPY --from=build /out/kmeme /usr/local/bin/kmeme
USER kmeme
WORKDIR /var/lib/kmeme
ENTRYPOINT ["/usr/local/bin/kmeme"]
