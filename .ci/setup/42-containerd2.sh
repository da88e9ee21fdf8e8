# CRI: containerd 2 (the generation current Kubernetes releases target) and runc 1.5 built through
# the Go module proxy, for the second column of docs/cri/containerd.md and the containerd 2 cluster
# of docs/kube/cluster.md; containerd 1.6 keeps Debian's runc 1.1.5 (40-cri.sh).
# Sourced by .ci/run after 40-cri.sh: no `exit`, failures are reported and the dependent test then fails.
#
# containerd and its runc shim go into a directory of their own, not $CONFORMAL_TOOLS/bin: that
# directory is on PATH, where a `containerd` or `containerd-shim-runc-v2` of version 2 would shadow
# Debian's 1.6 binaries that 40-cri.sh and the 1.6 run rely on.
# The tags leave out the snapshotters that need cgo (btrfs, devmapper, zfs), so CGO_ENABLED=0 builds.
# runc needs cgo (its nsexec C code runs before the Go runtime) and, with the `seccomp` tag that
# every distribution's runc carries (kubelet's RuntimeDefault profile needs it), libseccomp's headers.
# Its own directory keeps it off PATH, as above.

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

conformal_runc_setup() {
  local version="v1.5.3"
  local dir="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/runc-$version/bin"
  local started=$SECONDS
  apt-get install -y -qq --no-install-recommends libseccomp-dev pkg-config >/dev/null \
    || echo "!! 42-containerd2: apt-get install libseccomp-dev failed" >&2
  if ! CGO_ENABLED=1 conformal_go_install "$dir" "runc-$version-seccomp" -tags seccomp "github.com/opencontainers/runc@$version"; then
    echo "42-containerd2: go install runc@$version failed" >&2
    return 1
  fi
  export CONFORMAL_RUNC_UPSTREAM="$dir/runc"
  echo "42-containerd2: runc $version ready in $((SECONDS - started)) s"
}

# Both are tried; the step reports a failure if either failed.
conformal_containerd2_setup; conformal_containerd2_status=$?
conformal_runc_setup && [ "$conformal_containerd2_status" = 0 ]
