# K-MEME Factory. `make run` and `make test` do all set-up on a fresh Debian machine.
SHELL := /bin/bash
GO ?= go
BIN := bin/kmeme
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all setup build web go-build run test test-go test-web test-e2e lint fuzz \
	bench-api bench-analyze bench-platform bench-cache bench-web bench-recipe bench-load bench-perception bench-scale clean

all: build

## setup: install and start everything the project needs (idempotent)
setup:
	@scripts/setup.sh

## web: build the Next.js app into internal/webui/dist (embedded by the binary)
web:
	@if [ -x scripts/web-build.sh ]; then scripts/web-build.sh; fi

go-build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/kmeme

## build: the web app, then one kmeme binary that embeds it
build: web go-build

## run: set up, migrate and serve on 127.0.0.1:8080 with local defaults
run: setup build
	$(BIN) migrate
	$(BIN) serve

## test: set up, then vet, gofmt, race-enabled tests against real services, coverage, web tests
test: setup
	@scripts/test.sh

## lint: vet and gofmt only
lint:
	@scripts/test.sh lint

bench-api: setup go-build
	@scripts/bench-api.sh

bench-analyze: setup go-build
	@scripts/bench-analyze.sh

bench-platform: setup go-build
	@scripts/bench-platform.sh

bench-recipe:
	@$(GO) run ./scripts/benchrecipe

bench-cache: setup go-build
	@scripts/bench-cache.sh

## bench-load: Locust profile of real use against serve on loopback (BENCH_USERS, BENCH_RATE, BENCH_DURATION)
bench-load: setup go-build
	@scripts/bench-load.sh

## bench-scale: 2 serve + 1, 2 and 4 worker processes on loopback, BENCH_REMIXES (200) remixes a round: throughput and exactly-once counts, one worker SIGKILLed mid-run
bench-scale: setup go-build
	@scripts/bench-scale.sh

## bench-perception: perception corpus (photos, captions, speech) scored: text R/P, people, framing, speech F1, camera, time cost
bench-perception: setup
	@scripts/bench-perception.sh

bench-web: setup build
	@KMEME_E2E_SKIP_BUILD=1 scripts/bench-web.sh

## bench-render: time to render every file, the animatic included, for a 20 s and a 60 s recipe
bench-render: setup
	@scripts/bench-render.sh

clean:
	rm -rf bin coverage.out bench-output
