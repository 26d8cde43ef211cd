#!/usr/bin/env bash
# Provider portal: one script for setting up a machine, serving the demo, and running every test.
#
#   ./setup.sh serve   set up, build, migrate, load demo data into an empty database, serve on :3000
#   ./setup.sh test    set up and run every test (format, lints, unit, database, end-to-end)
#   ./setup.sh bench   set up, build release and print the benchmark table (bench/RESULTS.md)
#   ./setup.sh         set up only
#
# serve and bench build release with a profile of the server's own work (see release_build).
#
# Setup installs only what is missing, so it is fast on a prepared machine.
set -euo pipefail
cd "$(dirname "$0")"

CARGO_LEPTOS_VERSION=0.3.10
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\n==> %s\n' "$*"; }

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "Installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

setup() {
  rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    log "Installing cargo-leptos $CARGO_LEPTOS_VERSION (several minutes, once)"
    # Unoptimized but for the crates that do its work on every build (its own code, splitting
    # the WebAssembly, hashing file names into it, compressing): measured on this project's
    # 2-core machine, 8 minutes to compile instead of 20, and a build half a second slower.
    local hot=(cargo-leptos wasm_split_cli_support wasmparser wasm-encoder gimli md-5 seahash
      brotli brotli-decompressor libflate libflate_lz77 miniz_oxide flate2 crc32fast adler2
      regex regex-automata regex-syntax aho-corasick memchr)
    local optimized=()
    for crate in "${hot[@]}"; do optimized+=(--config "profile.release.package.$crate.opt-level=3"); done
    CARGO_PROFILE_RELEASE_OPT_LEVEL=0 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo "${optimized[@]}" install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  local wbg
  wbg=$(wasm_bindgen_version)
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$wbg"; then
    log "Installing wasm-bindgen-cli $wbg"
    cargo install wasm-bindgen-cli --version "$wbg"
  fi
  # poppler-utils (pdftotext) and qpdf check the PDFs the portal typesets; clamav-daemon is
  # the virus scanner the upload tests start (with a signature file they write).
  local packages=(chromium poppler-utils qpdf clamav-daemon)
  [ -x "$PG_BIN/initdb" ] || packages+=(postgresql)
  apt_install "${packages[@]}"
  if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -x end2end/node_modules/.bin/wasm-opt ]; then
    log "Installing the end-to-end test tools and wasm-opt"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A throwaway PostgreSQL cluster for the database tests, stopped when the script exits.
start_postgres() {
  PG_DIR=$(mktemp -d /tmp/portal-pg.XXXXXX)
  chown postgres "$PG_DIR"
  local port
  port=$(free_port)
  su postgres -s /bin/sh -c "'$PG_BIN/initdb' -D '$PG_DIR/data' -A trust -U postgres >/dev/null"
  su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -w \
    -o \"-p $port -k '$PG_DIR' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start >/dev/null"
  trap stop_postgres EXIT
  export PORTAL_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
  export PORTAL_TEST_REQUIRE_POSTGRES=1
  export PORTAL_TEST_REQUIRE_CLAMD=1
}

stop_postgres() {
  su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m immediate stop >/dev/null" || true
  rm -rf "$PG_DIR"
}

run_tests() {
  log "Format"
  cargo fmt --all --check
  # The site's build (`cargo leptos build`) compiles with type-erased views, `--cfg
  # erase_components` in RUSTFLAGS, and any change of RUSTFLAGS compiles every crate again.
  # Lints and tests take the same flags, so the site's server reuses what the tests built
  # (a cold run about ten minutes shorter) and the tests render pages as the site does.
  local rustflags="${RUSTFLAGS-}"
  export RUSTFLAGS="${rustflags:+$rustflags }--cfg erase_components"
  log "Lints (server build)"
  cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
  log "Lints (browser build)"
  cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
  log "Unit and database tests (SQLite and PostgreSQL)"
  # Rendering pages in unoptimized test builds needs more than the default thread stack.
  export RUST_MIN_STACK=16777216
  start_postgres
  # One build for both packages: built apart, their features differ and much is compiled twice.
  cargo test -p app -p server --features app/ssr
  log "Build the site"
  # cargo-leptos adds the same flag (and more for the browser build) to the caller's RUSTFLAGS.
  if [ -n "$rustflags" ]; then export RUSTFLAGS="$rustflags"; else unset RUSTFLAGS; fi
  cargo leptos build
  log "End-to-end tests (Chromium)"
  local report
  report=$(mktemp)
  (cd end2end && PLAYWRIGHT_JSON_OUTPUT_NAME="$report" npx playwright test --reporter=list,json,./failure-page.ts)
  # A closing line in the common "N passed, N failed" form.
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).stats; console.log(`end-to-end: ${s.expected} passed, ${s.unexpected} failed, ${s.skipped} skipped`)' "$report"
  rm -f "$report"
}

# The release build: the site, and a server optimized with a profile of its own work
# (profile-guided optimization). The server is built instrumented, answers the pages,
# searches and documents of bench/train.mjs on a demo database, and is built again with what
# it recorded, so the compiler lays out and inlines for the paths pages take. Measured on 2
# cores (bench/RESULTS.md, 12:54): My Dashboard at 32 connections 489 → 422 µs of CPU a page
# (4 alternating rounds, one run), `/login` 148 → 121 µs. The release build takes about 50
# minutes instead of 20. `PORTAL_PGO=0` builds without a profile, as does a toolchain whose
# LLVM has no llvm-profdata package.
release_build() {
  # wasm-opt from the npm binaryen package: Debian's (108) breaks the reference types that
  # Rust's wasm32 output uses, and the bundle then fails to start in the browser. Assets are
  # compressed (brotli, gzip) once here, not per request.
  export PATH="$PWD/end2end/node_modules/.bin:$PATH"
  local build=(cargo leptos build --release --precompress)
  local llvm host profdata
  llvm=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
  host=$(rustc -vV | sed -n 's/^host: //p')
  # The profile's format is the compiler's LLVM's: its own major version of llvm-profdata.
  profdata="llvm-profdata-$llvm"
  if [ "${PORTAL_PGO:-1}" != 0 ] && ! command -v "$profdata" >/dev/null; then
    apt_install "llvm-$llvm" || true
  fi
  if [ "${PORTAL_PGO:-1}" = 0 ] || ! command -v "$profdata" >/dev/null; then
    log "Build (release, without a profile)"
    "${build[@]}"
    return
  fi
  # Flags for the host's code alone: the browser's build (wasm32) takes none of them.
  local flags target pgo profile
  flags="CARGO_TARGET_$(echo "$host" | tr 'a-z-' 'A-Z_')_RUSTFLAGS"
  target=$(realpath -m "${CARGO_TARGET_DIR:-target}")
  pgo="$target/pgo"
  log "Build (release, the server instrumented to record a profile)"
  env "$flags=-Cprofile-generate=$pgo/raw" "${build[@]}"
  # The build's own scripts and macros, instrumented too, recorded theirs.
  rm -rf "$pgo"
  log "Recording the profile (bench/train.mjs)"
  PORTAL_START_PROFILE="$pgo/start/%p.profraw" node bench/train.mjs "$target/release/server" "$PWD/target/site"
  "$profdata" merge -o "$pgo/portal.profdata" "$pgo/raw"
  # Named by its content: cargo builds again when the flags change, not when a file they name does.
  profile="$pgo/$(sha256sum "$pgo/portal.profdata" | cut -c1-16).profdata"
  mv "$pgo/portal.profdata" "$profile"
  # The functions laid out in the order they run, the start's first (bench/layout.mjs): the
  # idle server's resident memory 21.5 → 19.0 MB (three starts each). Only LLVM's linker
  # (rustc's default on Linux) reads the order.
  local order=""
  if [[ $(readelf -p .comment "$target/release/server") == *"Linker: LLD"* ]]; then
    "$profdata" merge -o "$pgo/start.profdata" "$pgo/start"
    order="$pgo/layout.txt"
    node bench/layout.mjs "$profdata" "$pgo/start.profdata" "$profile" > "$order"
  fi
  rm -rf "$pgo/raw" "$pgo/start" "$pgo/start.profdata"
  log "Build (release, the server optimized with the profile)"
  env "$flags=-Cprofile-use=$profile" PORTAL_SYMBOL_ORDER="$order" "${build[@]}"
}

serve() {
  release_build
  export DATABASE_URL=${DATABASE_URL:-sqlite://data/portal.db}
  export PORTAL_DEV_MAILBOX=${PORTAL_DEV_MAILBOX:-1}
  export PORTAL_PLAIN_HTTP=${PORTAL_PLAIN_HTTP:-1}
  export LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_ADDR=${LEPTOS_SITE_ADDR:-127.0.0.1:3000} LEPTOS_ENV=PROD
  local server="${CARGO_TARGET_DIR:-target}/release/server"
  "$server" demo-data
  log "Serving at http://$LEPTOS_SITE_ADDR"
  exec "$server" serve
}

# The figures of bench/run.mjs on a release build: one table, appended to bench/RESULTS.md.
bench() {
  apt_install wrk valgrind
  release_build
  log "Measuring (a few minutes)"
  node bench/run.mjs "${CARGO_TARGET_DIR:-target}/release/server" "$PWD/target/site"
}

setup
case "${1:-}" in
  serve) serve ;;
  test) run_tests ;;
  bench) bench ;;
  "") ;;
  *) echo "usage: $0 [serve|test|bench]" >&2; exit 2 ;;
esac
