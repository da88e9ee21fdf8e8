# Sourced by .ci/run. Builds upstream Cluster API's managers, the peer the Cluster API suite is
# proven against (docs/capi/upstream.md): the core manager (sigs.k8s.io/cluster-api/core), CAPD
# (sigs.k8s.io/cluster-api/test/infrastructure/docker, whose inMemory backend of DevCluster/DevMachine
# needs no Docker), the kubeadm bootstrap provider (sigs.k8s.io/cluster-api/bootstrap/kubeadm, CABPK)
# and the kubeadm control plane provider (sigs.k8s.io/cluster-api/controlplane/kubeadm, KCP), all
# v1.14.2, from the wrapper module test/go-peers-capi, so the packages they share compile once. A
# module of its own rather than test/go-peers: Cluster API v1.14.2 is built on k8s.io v0.36.3 and
# controller-runtime v0.24.1, and joining the v0.37.2 module would force untested versions on it. Exports CONFORMAL_CAPI_CORE, CONFORMAL_CAPI_DOCKER,
# CONFORMAL_CAPI_KUBEADM_BOOTSTRAP, CONFORMAL_CAPI_KUBEADM_CONTROL_PLANE (binaries) and
# CONFORMAL_CAPI_CONFIG (the four upstream config/ directories in that order, ':'-separated, holding
# crd/bases and webhook/manifests.yaml; read from the Go module cache, never copied into the
# repository). Skipped when the stamp (hash of go.mod, go.sum, this script, the flags library) matches.
# Sourced, so no `set -e` and no `exit`: a failure is reported and the tests that need the peer fail.
#
# Measured 2026-12-03 on a 2-vCPU KVM (Intel Xeon, Go 1.26.8), other builds and tests running (load
# average 2.4 at the start, 13 to 15 for most of it), module cache warm, from the repository root:
#   cold, empty build cache: 1361 s (22m41s wall, 9m07s user CPU; the load made most of the wait);
#   binaries (-s -w) 63 MB (capi-core) and 64 MB (capi-docker)
#     GOCACHE="$(mktemp -d)" bash -c 'time source .ci/setup/81-capi-peer.sh'
# Adding CABPK and KCP to a build cache warm from core and CAPD (same day, load average 10.8 at the
# start, 13 during): 102 s wall (38 s user CPU), binaries 58 MB (capi-kubeadm-bootstrap) and 64 MB
# (capi-kubeadm-control-plane), with CONFORMAL_TOOLS pointing at a directory holding only the first two:
#     nice -n 10 bash -c 'time source .ci/setup/81-capi-peer.sh'
# All four cold (same day, load average 9.4 at the start, 11 to 15 during): 1237 s wall, 11m02s user
# CPU, about 2 min of CPU more than core and CAPD alone:
#     CONFORMAL_TOOLS="$(mktemp -d)" GOCACHE="$(mktemp -d)" nice -n 10 bash -c 'time source .ci/setup/81-capi-peer.sh'

# shellcheck source=../lib/k8s-version.sh
source .ci/lib/k8s-version.sh
# shellcheck source=../lib/go-stamp.sh
source .ci/lib/go-stamp.sh

conformal_capi_peer_setup() {
  local bin="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/bin" src started=$SECONDS stamp
  src="$(pwd)/test/go-peers-capi"
  # This script and the libraries take part in the stamp: a change of build flags rebuilds.
  stamp="$(conformal_go_stamp "$bin" capi-peer "$src" go.mod go.sum "$(pwd)/.ci/setup/81-capi-peer.sh" "$(pwd)/.ci/lib/k8s-version.sh" "$(pwd)/.ci/lib/go-stamp.sh")"
  if [ ! -e "$stamp" ] || [ ! -x "$bin/capi-core" ] || [ ! -x "$bin/capi-docker" ] ||
    [ ! -x "$bin/capi-kubeadm-bootstrap" ] || [ ! -x "$bin/capi-kubeadm-control-plane" ]; then
    mkdir -p "$bin"
    # The binaries report the Kubernetes release of the client libraries they are built on.
    local staging
    staging="$(sed -n 's#^[[:space:]]*k8s.io/client-go \(v0\.[0-9.]*\).*$#\1#p' "$src/go.mod")"
    local ldflags
    ldflags="-s -w $(conformal_k8s_version_ldflags "v1.${staging#v0.}")"
    local out
    out="$(mktemp -d)"
    # go.sum is committed, so the default -mod=readonly build fetches exactly the pinned modules.
    # `go build -o DIR/` names binaries after the last path element, and both kubeadm mains end in
    # `kubeadm`, so the control plane provider links in a second `go build`; the packages it shares
    # with the first come from the build cache, compiled once.
    if ! (cd "$src" && go build -trimpath -ldflags="$ldflags" -o "$out/" \
      sigs.k8s.io/cluster-api/core sigs.k8s.io/cluster-api/test/infrastructure/docker \
      sigs.k8s.io/cluster-api/bootstrap/kubeadm &&
      go build -trimpath -ldflags="$ldflags" -o "$out/kubeadm-control-plane" sigs.k8s.io/cluster-api/controlplane/kubeadm); then
      echo "81-capi-peer: go build in test/go-peers-capi failed" >&2
      rm -rf "$out"
      return 1
    fi
    mv -f "$out/core" "$bin/capi-core" && mv -f "$out/docker" "$bin/capi-docker" &&
      mv -f "$out/kubeadm" "$bin/capi-kubeadm-bootstrap" &&
      mv -f "$out/kubeadm-control-plane" "$bin/capi-kubeadm-control-plane"
    rm -rf "$out"
    rm -f "$bin"/.capi-peer-*
    touch "$stamp"
  fi
  local core_dir test_dir
  core_dir="$(cd "$src" && go mod download -json sigs.k8s.io/cluster-api | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  test_dir="$(cd "$src" && go mod download -json sigs.k8s.io/cluster-api/test | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  export CONFORMAL_CAPI_CORE="$bin/capi-core"
  export CONFORMAL_CAPI_DOCKER="$bin/capi-docker"
  export CONFORMAL_CAPI_KUBEADM_BOOTSTRAP="$bin/capi-kubeadm-bootstrap"
  export CONFORMAL_CAPI_KUBEADM_CONTROL_PLANE="$bin/capi-kubeadm-control-plane"
  export CONFORMAL_CAPI_CONFIG="$core_dir/core/config:$test_dir/infrastructure/docker/config:$core_dir/bootstrap/kubeadm/config:$core_dir/controlplane/kubeadm/config"
  echo "81-capi-peer: core=${CONFORMAL_CAPI_CORE} docker=${CONFORMAL_CAPI_DOCKER} kubeadm-bootstrap=${CONFORMAL_CAPI_KUBEADM_BOOTSTRAP} kubeadm-control-plane=${CONFORMAL_CAPI_KUBEADM_CONTROL_PLANE} config=${CONFORMAL_CAPI_CONFIG} ready in $((SECONDS - started)) s"
}

conformal_capi_peer_setup
