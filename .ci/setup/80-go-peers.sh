# Sourced by .ci/run (in the background: the longest build). Builds every upstream Go peer made from
# Kubernetes v1.37.2 in one `go build` of one module (test/go-peers, k8s.io/kubernetes v1.37.2 with its
# staging modules replaced by their published v0.37.2 twins), so the packages they share compile once
# and in parallel, and every test that talks to a real Kubernetes component meets the same release:
#   - kube-apiserver and kubectl: the kube area's differential tests and benchmark;
#   - kubelet, kube-controller-manager, kube-scheduler: the one-node cluster (test/support/cluster);
#   - cmd/ccm: upstream's cloud-controller-manager with the fake cloud (docs/cloud/upstream-ccm.md);
#   - cmd/kube-probe: the client-go probe of the in-memory API server;
#   - kube-proxy, cmd/smi-echo (the smi suite's test workload) and cmd/cluster-dns: the smi suite on
#     the one-node cluster (test/real/cluster/smi.test.ts);
#   - cmd/csi-mock-driver: Kubernetes' e2e CSI mock driver served on a socket, the CSI suite's
#     independent target (test/real/csi/mock-driver.test.ts, docs/csi/mock-driver.md).
# Exports CONFORMAL_KUBE_APISERVER, CONFORMAL_KUBECTL, CONFORMAL_KUBELET,
# CONFORMAL_KUBE_CONTROLLER_MANAGER, CONFORMAL_KUBE_SCHEDULER, CONFORMAL_CCM_PEER, CONFORMAL_KUBE_PROBE,
# CONFORMAL_KUBE_PROXY, CONFORMAL_SMI_ECHO, CONFORMAL_CLUSTER_DNS, CONFORMAL_CSI_MOCK_DRIVER.
# Skipped when the stamp (a hash of go.mod, go.sum, the cmd sources and the build flags) matches.
# Sourced, so no `set -e` and no `exit`: a failure is reported and the tests that need a peer fail.
#
# `go install k8s.io/kubernetes/cmd/...@v` is refused (its go.mod replaces the staging modules with
# ./staging paths); test/go-peers/go.mod carries the replace lines instead and names the five
# commands as `tool`s so `go mod tidy` keeps what they import.

# shellcheck source=../lib/k8s-version.sh
source .ci/lib/k8s-version.sh

conformal_go_peers_setup() {
  local bin="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/bin"
  local src
  src="$(pwd)/test/go-peers"
  local kube=(kube-apiserver kubectl kubelet kube-controller-manager kube-scheduler kube-proxy)
  # This script and the flags library take part in the stamp: a change of build flags rebuilds.
  local scripts=("$(pwd)/.ci/setup/80-go-peers.sh" "$(pwd)/.ci/lib/k8s-version.sh")
  local started=$SECONDS
  local hash
  hash="$(cd "$src" && find go.mod go.sum cmd "${scripts[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  local stamp="$bin/.go-peers-$hash" b missing=0 release
  # The require line may end in `// indirect`: without the optional tail the release came out empty
  # and every binary reported an empty gitVersion.
  release="$(sed -n 's#^[[:space:]]*k8s.io/kubernetes \(v1\.[0-9.]*\)\([[:space:]].*\)\{0,1\}$#\1#p' "$src/go.mod")"
  if [ -z "$release" ]; then
    echo "80-go-peers: no k8s.io/kubernetes v1.x require line in $src/go.mod" >&2
    return 1
  fi
  for b in ccm csi-mock-driver "${kube[@]}"; do [ -x "$bin/$b" ] || missing=1; done
  if [ ! -e "$stamp" ] || [ "$missing" = 1 ]; then
    mkdir -p "$bin"
    local ldflags pkgs=(./cmd/...)
    ldflags="-s -w $(conformal_k8s_version_ldflags "$release")"
    for b in "${kube[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
    # go.sum is committed, so the default -mod=readonly build fetches exactly the pinned modules.
    # CGO_ENABLED=0 as upstream releases them: static binaries that run inside any mount namespace.
    if ! (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags="$ldflags" -o "$bin/" "${pkgs[@]}"); then
      echo "80-go-peers: go build in test/go-peers failed" >&2
      return 1
    fi
    rm -f "$bin"/.go-peers-*
    touch "$stamp"
  fi
  export CONFORMAL_CCM_PEER="$bin/ccm"
  export CONFORMAL_KUBE_APISERVER="$bin/kube-apiserver"
  export CONFORMAL_KUBECTL="$bin/kubectl"
  export CONFORMAL_KUBELET="$bin/kubelet"
  export CONFORMAL_KUBE_CONTROLLER_MANAGER="$bin/kube-controller-manager"
  export CONFORMAL_KUBE_SCHEDULER="$bin/kube-scheduler"
  export CONFORMAL_KUBE_PROXY="$bin/kube-proxy"
  # The smi suite's test workload (server and `client`) and the name server of the one-node cluster's smi test.
  export CONFORMAL_SMI_ECHO="$bin/smi-echo"
  export CONFORMAL_CLUSTER_DNS="$bin/cluster-dns"
  export CONFORMAL_CSI_MOCK_DRIVER="$bin/csi-mock-driver"
  if [ -d "$src/cmd/kube-probe" ] && [ -x "$bin/kube-probe" ]; then
    export CONFORMAL_KUBE_PROBE="$bin/kube-probe"
  fi
  echo "80-go-peers: Kubernetes $release peers (${kube[*]} ccm kube-probe smi-echo cluster-dns csi-mock-driver) ready in $((SECONDS - started)) s"
}

conformal_go_peers_setup
