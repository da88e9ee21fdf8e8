# Sourced by .ci/run. Installs the real tools the reports area's tests use:
#   - Debian's chromium: the HTML report is checked with axe-core in a real browser (playwright-core
#     drives /usr/bin/chromium; no browser download). Exports CONFORMAL_CHROMIUM.
#   - fake-gcs-server from the Go module proxy: `conformal upload gs://...` goes through the real
#     @google-cloud/storage client to it on loopback. Exports CONFORMAL_FAKE_GCS.
#   - test/testgrid-parser (our own Go program on testgrid's metadata/junit and updater.MergeCells,
#     pinned to v0.0.175 in its go.mod): proves testgrid parses the JUnit we write and shows retries
#     as flaky. Exports CONFORMAL_TESTGRID_JUNIT.
# Sourced, so no `set -e` and no `exit`: failures are reported and the tests that need the tool fail.

# shellcheck source=../lib/go-install.sh
source .ci/lib/go-install.sh

conformal_reports_setup() {
  local fake_gcs_version="v1.56.1"
  local bin="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/bin"
  local repo_root
  repo_root="$(pwd)"
  mkdir -p "$bin"
  local started=$SECONDS

  if [ ! -x /usr/bin/chromium ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core >/dev/null \
      || echo "60-reports: apt-get install chromium failed" >&2
  fi
  [ -x /usr/bin/chromium ] && export CONFORMAL_CHROMIUM=/usr/bin/chromium

  conformal_go_install "$bin" "fake-gcs-server-$fake_gcs_version" "github.com/fsouza/fake-gcs-server@$fake_gcs_version" \
    || echo "60-reports: go install fake-gcs-server@$fake_gcs_version failed" >&2
  [ -x "$bin/fake-gcs-server" ] && export CONFORMAL_FAKE_GCS="$bin/fake-gcs-server"

  # Our own program; its go.mod/go.sum pin the testgrid module fetched from the Go module proxy.
  if (cd "$repo_root/test/testgrid-parser" && go build -o "$bin/testgrid-junit" .); then
    export CONFORMAL_TESTGRID_JUNIT="$bin/testgrid-junit"
  else
    echo "60-reports: building test/testgrid-parser failed" >&2
  fi

  echo "60-reports: chromium=${CONFORMAL_CHROMIUM:-missing} fake-gcs=${CONFORMAL_FAKE_GCS:-missing} testgrid-junit=${CONFORMAL_TESTGRID_JUNIT:-missing} ($((SECONDS - started))s)"
}

conformal_reports_setup
