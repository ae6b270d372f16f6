# Mission Formateur — the two commands of README.md, and their parts.
SHELL := /bin/bash
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

LEPTOS_ENV := LEPTOS_OUTPUT_NAME=mission-formateur LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
SERVER := $(or $(CARGO_TARGET_DIR),target)/server-release/server

.PHONY: run build tools test test-services test-unit test-integration test-e2e build-debug clean

## make run: build (release) and serve on http://127.0.0.1:3000 with the demo data (SQLite by
## default; set DATABASE_URL=postgres://… for Postgres).
run: build
	@$(LEPTOS_ENV) $(SERVER) seed-demo
	@echo "Mission Formateur : http://127.0.0.1:3000  (Ctrl-C pour arrêter)"
	@$(LEPTOS_ENV) exec $(SERVER) serve

build: tools
	cargo leptos build --release

tools:
	@bash scripts/ensure-tools.sh

## make test: every test — unit, integration on SQLite and Postgres, end-to-end in Chromium.
test: tools test-services test-unit test-integration test-e2e

test-services:
	@bash scripts/ensure-test-services.sh

test-unit:
	bash scripts/check-query-placement.sh
	cargo test -p app --features ssr

test-integration:
	cargo test -p server --tests

# The debug server is copied next to its site: another checkout building in the shared cargo
# target directory cannot swap it for a binary that expects other asset names.
build-debug:
	cargo leptos build
	mkdir -p target && cp "$(or $(CARGO_TARGET_DIR),target)/debug/server" target/e2e-server

test-e2e: build-debug
	cd end2end && npx playwright test

clean:
	cargo clean
