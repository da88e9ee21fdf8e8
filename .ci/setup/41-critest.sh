# CRI: critest (kubernetes-sigs/cri-tools' validation suite) and the ginkgo CLI its --parallel mode
# re-executes itself through, for test/real/cri/critest*.test.ts (docs/cri/critest.md).
# Sourced by .ci/run after 40-cri.sh: no `exit`, failures are reported and the dependent tests fail.
# Exports CONFORMAL_CRITEST; ginkgo sits next to it (the tests put that directory first on PATH).
#
# critest is a test binary (`go install` says "no non-test Go files"), so it is compiled with
# `go test -c` in a throwaway module requiring cri-tools; ginkgo is built from the same module graph,
# so it is the version critest was released with.
# Cold build (empty Go module and build caches), 2026-12-02, 2-vCPU KVM, load average 5.3-8.5 from
# other jobs, Go 1.26.8: 378 s for both (critest 29 MiB, ginkgo 12 MiB, stripped).
# Reproduce: GOCACHE=$(mktemp -d) GOMODCACHE=$(mktemp -d) CONFORMAL_TOOLS=$(mktemp -d) bash -c 'source .ci/setup/41-critest.sh'

# shellcheck source=../lib/go-install.sh
source .ci/lib/go-install.sh

conformal_critest_build() { # $1 = version, $2 = bin dir; run inside the wrapper module
  go mod edit -require="sigs.k8s.io/cri-tools@$1" &&
    # The version is stamped as cri-tools' Makefile does, so `critest --version` names the release.
    go test -c -trimpath -ldflags="-s -X sigs.k8s.io/cri-tools/pkg/version.Version=$1" -o "$2/critest" sigs.k8s.io/cri-tools/cmd/critest &&
    go build -trimpath -ldflags=-s -o "$2/ginkgo" github.com/onsi/ginkgo/v2/ginkgo
}

conformal_critest_setup() {
  local version="v1.37.0"
  local bin="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/bin"
  local started=$SECONDS
  mkdir -p "$bin"
  if [ ! -x "$bin/critest" ] || [ ! -x "$bin/ginkgo" ] || [ ! -e "$bin/.critest-$version" ]; then
    if ! conformal_in_wrapper_module "$bin/.critest-$version" conformal_critest_build "$version" "$bin"; then
      echo "41-critest: building critest $version failed" >&2
      return 1
    fi
  fi
  export CONFORMAL_CRITEST="$bin/critest"
  echo "41-critest: critest $version and ginkgo ready in $((SECONDS - started)) s"
}

conformal_critest_setup
