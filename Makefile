# docmeta — developer entry points. `make run` and `make test` are the two
# commands the README promises work on a fresh machine.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
BIN := bin
# The version /status reports: the git description, or "dev" outside a checkout.
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.buildVersion=$(VERSION)
DYNALITE := tools/dynalite/node_modules/.bin/dynalite

.PHONY: run build test lint test-go tools test-shell

## build: compile the server for this machine into bin/
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/docmeta-server ./backend/cmd/docmeta-server

## run: the service on the embedded store at 127.0.0.1:8080
run: build
	@echo "docmeta: starting on http://127.0.0.1:8080 (embedded store in ./data). Try:"
	@echo "  echo hello > test.txt"
	@echo "  curl http://127.0.0.1:8080/status"
	@echo "  curl -F \"file=@test.txt\" http://127.0.0.1:8080/upload"
	@echo "  curl http://127.0.0.1:8080/documents"
	DOCMETA_ADDR=127.0.0.1:8080 DOCMETA_STORE=bolt DOCMETA_DATA_DIR=./data ./$(BIN)/docmeta-server

## tools: local test dependencies (dynalite from the lock file)
tools: $(DYNALITE)

$(DYNALITE): tools/dynalite/package.json tools/dynalite/package-lock.json
	cd tools/dynalite && npm ci --no-audit --no-fund
	touch $@

## test: everything that proves the project
test: check-tools lint test-go test-shell test-reliability scan

## check-tools: the programs make test runs, each named with its install step
.PHONY: check-tools
check-tools:
	@missing=""; for t in node npm curl shellcheck tmux systemd-analyze logrotate; do \
		command -v $$t >/dev/null 2>&1 || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
		echo "make test needs:$$missing. Install them with: sudo bash .ci/run (it installs, then runs make test), or: sudo apt-get install -y nodejs npm curl shellcheck tmux systemd logrotate"; exit 1; fi

## lint: gofmt, go vet, and go.mod/go.sum exactly as `go mod tidy` leaves them
## (-e: jsii-runtime-go imports a godoc command no module provides)
lint:
	@$(GO) mod tidy -e -diff >/dev/null 2>&1 || { echo "go.mod or go.sum is not tidy: run go mod tidy -e and commit the result"; exit 1; }
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on: $$unformatted (run gofmt -w)"; exit 1; fi
	$(GO) vet ./...

## test-go: Go unit, contract and end-to-end tests
test-go: tools
	$(GO) test -count=1 ./...

## test-shell: the real server binary driven by the README's curl commands
test-shell:
	shellcheck scripts/*.sh
	bash scripts/curl_test.sh

.PHONY: cost
## cost: monthly cost of seed, dev and prod at idle and under the stated
## workload, from the topology and the shipped us-east-1 price table
## (docmeta-ops cost -h for workload flags, --json, --live-prices)
cost:
	$(GO) run ./ops/cmd/docmeta-ops cost $(COST_FLAGS)

.PHONY: smoke
## smoke: prove a deployment works end to end through its service_url, then
## its instances, targets and alarms (docs/DEPLOY.md); the API key comes from
## DOCMETA_API_KEY, e.g. DOCMETA_API_KEY=... make smoke
SMOKE_FLAGS ?= --outputs outputs.json
smoke:
	$(GO) run ./ops/cmd/docmeta-ops smoke $(SMOKE_FLAGS)

# --- evidence: benchmark, reliability and fuzz (bench/, test/reliability/) ---
.PHONY: bench fuzz fuzz-long test-reliability
# fuzz-long's own default (30m) yields to a FUZZTIME set on the command
# line or in the environment.
FUZZ_LONG_TIME := $(if $(filter command line environment,$(origin FUZZTIME)),$(FUZZTIME),30m)
FUZZTIME ?= 30s
FUZZ_PARALLEL ?=
FUZZ_TARGETS ?=
# Go spends up to 60s minimizing each new corpus entry, fuzzing nothing
# meanwhile (a run shows 0 execs/s). 100 runs stay under the 3 s between
# progress lines even for large inputs on a loaded machine; 500 did not.
FUZZ_MINIMIZE ?= 100x
BENCH_FLAGS ?=

## bench: upload benchmark report; starts its own loopback servers, prints a
## table and writes bench/out/results.json (about 1 minute on 2 cores)
bench: tools
	$(GO) build -o $(BIN)/docmeta-server ./backend/cmd/docmeta-server
	$(GO) build -o $(BIN)/docmeta-sink ./bench/cmd/docmeta-sink
	$(GO) build -o $(BIN)/docmeta-bench ./bench/cmd/docmeta-bench
	./$(BIN)/docmeta-bench -server $(BIN)/docmeta-server -sink $(BIN)/docmeta-sink \
		-dynalite tools/dynalite/node_modules/dynalite/cli.js -out bench/out/results.json $(BENCH_FLAGS)

## test-reliability: integrity under load (bolt and dynalite), store outage,
## graceful shutdown, slow and hostile clients, against the real server binary
test-reliability: tools
	$(GO) vet -tags reliability ./test/reliability/
	$(GO) test -count=1 -tags reliability -timeout 10m ./test/reliability/

## fuzz: run each fuzz target for FUZZTIME (make test runs their seed corpora)
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzCleanFilename$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZ_MINIMIZE) ./backend
	$(GO) test -run '^$$' -fuzz '^FuzzUploadHandler$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZ_MINIMIZE) ./backend/httpapi

## fuzz-long: every fuzz target at once for FUZZTIME each (default 30m),
## FUZZ_PARALLEL workers each (default one per CPU), logs in bin/fuzz; prints
## per target the execs, the corpus size and the lowest execs/s
## (FUZZ_CACHE=dir keeps the corpora there instead of in the go cache)
fuzz-long:
	FUZZTIME=$(FUZZ_LONG_TIME) FUZZ_PARALLEL=$(FUZZ_PARALLEL) FUZZ_MINIMIZE=$(FUZZ_MINIMIZE) FUZZ_TARGETS=$(FUZZ_TARGETS) bash scripts/fuzz-long.sh

## fuzz-times: run each FuzzUploadHandler corpus input once and list the
## slowest (FUZZ_CACHE as for fuzz-long)
.PHONY: fuzz-times
fuzz-times:
	bash scripts/fuzz-times.sh $(if $(FUZZ_CACHE),$(FUZZ_CACHE)/FuzzUploadHandler)

# --- operator console (tui/) ---
.PHONY: console test-console
## console: the operator console against the server of `make run`
## (DOCMETA_URL, default http://127.0.0.1:8080; CONSOLE_FLAGS e.g. --api-key KEY,
## or --outputs outputs.json for a deployed stack, whose service URL is then used)
console:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/docmeta-console ./tui/cmd/docmeta-console
	./$(BIN)/docmeta-console $(CONSOLE_FLAGS)

## test-console: console views with fakes, golden screens, AWS adapters
## against loopback fakes, and the tmux end-to-end run against the real server.
## Only for running them alone: `make test` already runs them in test-go (./...).
test-console:
	$(GO) test -count=1 ./tui/...

# --- AWS stacks (topology/, stacks/, main.go, cdktf.json) ---
.PHONY: synth synth-cli server-binaries test-stacks scan tools-cdktf
STACK_ARCHES := arm64 amd64
SERVER_BINARIES := $(foreach a,$(STACK_ARCHES),$(BIN)/linux-$(a)/docmeta-server)
SERVER_SOURCES := $(shell find backend -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod go.sum
TRIVY ?= $(shell $(GO) env GOPATH)/bin/trivy
CDKTF := tools/cdktf/node_modules/.bin/cdktf
HCL_OUT := cdktf.out/hcl

## server-binaries: docmeta-server for linux/arm64 (t4g) and linux/amd64 (t3)
server-binaries: $(SERVER_BINARIES)

$(BIN)/linux-%/docmeta-server: $(SERVER_SOURCES)
	CGO_ENABLED=0 GOOS=linux GOARCH=$* $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $@ ./backend/cmd/docmeta-server

## synth: cross-compile the server, then synthesize cdktf.out/stacks/<stack>/cdk.tf.json
## (DOCMETA_PROFILES=dev to pick profiles; prod on DOCMETA_PROD_EDGE=alb needs DOCMETA_PROD_CERTIFICATE_ARN)
synth: server-binaries
	$(GO) run .

## tools-cdktf: the pinned cdktf CLI (deploy/destroy; `make synth-cli`)
tools-cdktf: $(CDKTF)

$(CDKTF): tools/cdktf/package.json tools/cdktf/package-lock.json
	cd tools/cdktf && npm ci --no-audit --no-fund
	touch $@

## synth-cli: the same synthesis through the pinned cdktf CLI (cdktf.json's app)
synth-cli: server-binaries tools-cdktf
	CHECKPOINT_DISABLE=1 $(CDKTF) synth

## test-stacks: topology validation, user-data linters, synthesized-stack
## assertions, and `go run .` writing cdktf.out/stacks/docmeta-dev/cdk.tf.json
## (test-go, and so `make test`, runs all of these through ./...)
test-stacks:
	$(GO) test -count=1 . ./topology/... ./stacks/...

## scan: trivy on the HCL of every synthesized stack; fails on any HIGH or
## CRITICAL finding not excluded (with its reason) in stacks/scan/trivyignore.yaml
scan: server-binaries
	@test -x "$(TRIVY)" || { echo "trivy not found at $(TRIVY); install it with: GOEXPERIMENT=jsonv2 $(GO) install github.com/aquasecurity/trivy/cmd/trivy@v0.74.0 (.ci/run does)"; exit 1; }
	rm -rf $(HCL_OUT) && mkdir -p $(dir $(HCL_OUT))
	DOCMETA_PROFILES=dev,prod,seed \
		SYNTH_HCL_OUTPUT=true CDKTF_OUTDIR=$(HCL_OUT) $(GO) run . 2>&1 | grep -v '^!!'
	@echo "== policy scan: every finding before exclusions"
	cd $(HCL_OUT)/stacks && $(TRIVY) config --skip-check-update --disable-telemetry --quiet --format json --output ../findings-all.json .
	@$(GO) run ./stacks/cmd/scan-summary $(HCL_OUT)/findings-all.json
	@echo "== policy scan: after stacks/scan/trivyignore.yaml (LOW and MEDIUM are reported; HIGH and CRITICAL fail)"
	cd $(HCL_OUT)/stacks && $(TRIVY) config --skip-check-update --disable-telemetry --quiet --ignorefile ../../../stacks/scan/trivyignore.yaml --format json --output ../findings-after.json .
	@$(GO) run ./stacks/cmd/scan-summary $(HCL_OUT)/findings-after.json
	cd $(HCL_OUT)/stacks && $(TRIVY) config --skip-check-update --disable-telemetry --quiet --ignorefile ../../../stacks/scan/trivyignore.yaml \
		--severity HIGH,CRITICAL --exit-code 1 --format json --output ../findings-high.json . \
		|| { echo "policy scan: HIGH/CRITICAL findings above; fix them or add each to stacks/scan/trivyignore.yaml with its reason"; exit 1; }
	@echo "policy scan: no HIGH or CRITICAL finding"
