# Sourced by .ci/run. Builds the upstream Go peers the Kubernetes-API suites compare against — every
# main under test/go-peers/cmd (one module, k8s.io/cloud-provider v0.37.2) — into $CONFORMAL_TOOLS/bin
# in one `go build` so the packages they share compile once and in parallel. Exports
# CONFORMAL_CCM_PEER (cmd/ccm: upstream's cloud-controller-manager with the fake cloud, see
# docs/cloud/upstream-ccm.md) and, when that main exists, CONFORMAL_KUBE_PROBE (cmd/kube-probe).
# Skipped when the stamp (a hash of go.mod, go.sum, the cmd sources and the build flags) matches.
# Sourced, so no `set -e` and no `exit`: a failure is reported and the tests that need a peer fail.
#
# Measured 2026-12-02 on a 2-vCPU KVM (Intel Xeon, Go 1.26.8), other builds running (load average
# 7 to 10), module cache warm, from the repository root:
#   cold, empty build cache: 675 s (11m15s)
#     CONFORMAL_TOOLS="$(mktemp -d)" GOCACHE="$(mktemp -d)" bash -c 'time source .ci/setup/80-go-peers.sh'
#   warm, one file of cmd/ccm changed: 19 s; warm, stamp removed, nothing to compile: 3 s;
#   stamp matching: 0.03 s (the same command with the same CONFORMAL_TOOLS and GOCACHE).

# shellcheck source=../lib/k8s-version.sh
source .ci/lib/k8s-version.sh

conformal_go_peers_setup() {
  local bin="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/bin"
  local src
  src="$(pwd)/test/go-peers"
  # This script and the flags library take part in the stamp: a change of build flags rebuilds.
  local scripts=("$(pwd)/.ci/setup/80-go-peers.sh" "$(pwd)/.ci/lib/k8s-version.sh")
  local started=$SECONDS
  local hash
  hash="$(cd "$src" && find go.mod go.sum cmd "${scripts[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  local stamp="$bin/.go-peers-$hash"
  if [ ! -e "$stamp" ] || [ ! -x "$bin/ccm" ]; then
    mkdir -p "$bin"
    # The release the modules belong to, so the binaries report it (cloud-provider v0.X.Y is v1.X.Y).
    local staging
    staging="$(sed -n 's#^[[:space:]]*k8s.io/cloud-provider \(v0\.[0-9.]*\)$#\1#p' "$src/go.mod")"
    local ldflags
    ldflags="-s -w $(conformal_k8s_version_ldflags "v1.${staging#v0.}")"
    # go.sum is committed, so the default -mod=readonly build fetches exactly the pinned modules.
    if ! (cd "$src" && go build -trimpath -ldflags="$ldflags" -o "$bin/" ./cmd/...); then
      echo "80-go-peers: go build ./cmd/... in test/go-peers failed" >&2
      return 1
    fi
    rm -f "$bin"/.go-peers-*
    touch "$stamp"
  fi
  export CONFORMAL_CCM_PEER="$bin/ccm"
  if [ -d "$src/cmd/kube-probe" ] && [ -x "$bin/kube-probe" ]; then
    export CONFORMAL_KUBE_PROBE="$bin/kube-probe"
  fi
  echo "80-go-peers: ccm=${CONFORMAL_CCM_PEER} kube-probe=${CONFORMAL_KUBE_PROBE:-not built} ready in $((SECONDS - started)) s"
}

conformal_go_peers_setup
