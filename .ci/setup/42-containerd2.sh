# CRI: containerd 2 (the generation current Kubernetes releases target) built through the Go module
# proxy, for the second column of docs/cri/containerd.md; Debian's runc (40-cri.sh) is its runtime.
# Sourced by .ci/run after 40-cri.sh: no `exit`, failures are reported and the dependent test then fails.
#
# containerd and its runc shim go into a directory of their own, not $CONFORMAL_TOOLS/bin: that
# directory is on PATH, where a `containerd` or `containerd-shim-runc-v2` of version 2 would shadow
# Debian's 1.6 binaries that 40-cri.sh and the 1.6 run rely on.
# The tags leave out the snapshotters that need cgo (btrfs, devmapper, zfs), so CGO_ENABLED=0 builds.

# shellcheck source=../lib/go-install.sh
source .ci/lib/go-install.sh

conformal_containerd2_setup() {
  local version="v2.4.2"
  local dir="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/containerd-$version/bin"
  local started=$SECONDS
  if ! CGO_ENABLED=0 conformal_go_install "$dir" "containerd-$version" -tags no_btrfs,no_devmapper,no_zfs \
    "github.com/containerd/containerd/v2/cmd/containerd@$version" \
    "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2@$version"; then
    echo "42-containerd2: go install containerd@$version failed" >&2
    return 1
  fi
  export CONFORMAL_CONTAINERD2="$dir/containerd"
  echo "42-containerd2: containerd $version ready in $((SECONDS - started)) s"
}

conformal_containerd2_setup
