# Sourced by .ci/run. Installs the real Kubernetes pieces the kube area's differential tests and
# benchmark compare against: etcd (Debian's etcd-server), kube-apiserver and kubectl built through
# the Go module proxy. Exports CONFORMAL_KUBE_APISERVER, CONFORMAL_ETCD, CONFORMAL_KUBECTL.
#
# `go install k8s.io/kubernetes/cmd/...@v` is refused (k8s.io/kubernetes replaces its staging
# modules with ./staging paths), so we make a throwaway module in a temp dir that requires
# k8s.io/kubernetes and points every staging module at its published v0.x twin, then go build.
# Nothing fetched is kept in the repo; the GOPATH/GOCACHE caches make reruns fast.

# shellcheck source=../lib/k8s-version.sh
source .ci/lib/k8s-version.sh
# shellcheck source=../lib/go-install.sh
source .ci/lib/go-install.sh

conformal_kube_build() { # $1 = Kubernetes version, $2 = staging version, $3 = bin dir; run inside the wrapper module
  local gomod mods m
  gomod="$(go mod download -json "k8s.io/kubernetes@$1" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')" && [ -n "$gomod" ] || return 1
  # Every "k8s.io/x => ./staging/src/k8s.io/x" line becomes a pin to the published twin.
  mods="$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$gomod")"
  local args=("-require=k8s.io/kubernetes@$1")
  for m in $mods; do
    args+=("-replace=$m=$m@$2")
  done
  go mod edit "${args[@]}" && go mod edit -go="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")" || return 1
  # Stamp the version so /version and kubectl's skew check see the real release.
  local ldflags
  ldflags="-s $(conformal_k8s_version_ldflags "$1")"
  go build -trimpath -ldflags="$ldflags" -o "$3/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver &&
    go build -trimpath -ldflags="$ldflags" -o "$3/kubectl" k8s.io/kubernetes/cmd/kubectl
}

conformal_kube_setup() {
  local k8s_version="v1.32.13"
  local staging_version="v0.${k8s_version#v1.}"
  local bin="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/bin"
  mkdir -p "$bin"
  local started=$SECONDS

  if ! command -v etcd >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends etcd-server >/dev/null
  fi
  # Debian starts an etcd service on install when it can; our tests run their own on other ports.
  export CONFORMAL_ETCD="$(command -v etcd)"

  local stamp="$bin/.kube-$k8s_version"
  if [ ! -x "$bin/kube-apiserver" ] || [ ! -x "$bin/kubectl" ] || [ ! -e "$stamp" ]; then
    if ! conformal_in_wrapper_module "$stamp" conformal_kube_build "$k8s_version" "$staging_version" "$bin"; then
      echo "30-kube: building kube-apiserver $k8s_version failed" >&2
      return 1
    fi
  fi
  export CONFORMAL_KUBE_APISERVER="$bin/kube-apiserver"
  export CONFORMAL_KUBECTL="$bin/kubectl"
  echo "30-kube: etcd, kube-apiserver and kubectl $k8s_version ready in $((SECONDS - started)) s"
}

conformal_kube_setup
