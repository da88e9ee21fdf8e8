# Sourced by .ci/run. Builds Traefik Mesh, an upstream SMI implementation the SMI suite runs against:
# its controller (github.com/traefik/mesh v1.4.8 cmd/mesh) and the Traefik v2 proxy it configures
# (github.com/traefik/traefik/v2 v2.8.3 cmd/traefik), from the wrapper module test/go-peers-smi, in one
# `go build` so the packages they share compile once. Exports CONFORMAL_TRAEFIK_MESH,
# CONFORMAL_TRAEFIK and CONFORMAL_TRAEFIK_MESH_CRDS (the SMI CRDs upstream's own integration tests
# install, read from the module cache, so no upstream file is copied into this repository).
# Skipped when the stamp (a hash of go.mod, go.sum, tools.go, the quic-go stub and this script)
# matches. See docs/smi/traefik-mesh.md for the stub and the linker flag.
# Sourced, so no `set -e` and no `exit`: a failure is reported and the tests that need the mesh fail.
#
# Measured 2026-12-03 on a 2-vCPU KVM (Intel Xeon, Go 1.26.8), other builds running (load average
# 10 to 16), module cache warm, from the repository root:
#   cold, empty build cache: 1390 s (23m10s; the controller is linked after 9m40s; taken before the
#   -X version flags were added, which change only the link)
#     CONFORMAL_TOOLS="$(mktemp -d)" GOCACHE="$(mktemp -d)" bash -c 'time source .ci/setup/82-traefik-mesh.sh'
#   warm, build flags changed (both binaries linked again): 7 s; stamp matching: 0.03 s (the same command with
#   the same CONFORMAL_TOOLS and GOCACHE).

conformal_traefik_mesh_setup() {
  local bin="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/bin"
  local src
  src="$(pwd)/test/go-peers-smi"
  local started=$SECONDS
  local hash
  hash="$(cd "$src" && find go.mod go.sum tools.go quic-go-stub "$(pwd -P)/../../.ci/setup/82-traefik-mesh.sh" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  local stamp="$bin/.traefik-mesh-$hash"
  if [ ! -e "$stamp" ] || [ ! -x "$bin/mesh" ] || [ ! -x "$bin/traefik" ]; then
    mkdir -p "$bin"
    # The releases the modules belong to, so both binaries report them (`mesh version`, `traefik version`).
    local mesh_version traefik_version
    mesh_version="$(sed -n 's#^[[:space:]]*github.com/traefik/mesh \(v[0-9.]*\)$#\1#p' "$src/go.mod")"
    traefik_version="$(sed -n 's#^[[:space:]]*github.com/traefik/traefik/v2 \(v[0-9.]*\)$#\1#p' "$src/go.mod")"
    # -checklinkname=0: Traefik's golang.org/x/net (2022) links to syscall.recvmsg by name, which
    # linkers since Go 1.23 refuse unless told not to check.
    local ldflags="-s -w -checklinkname=0 -X github.com/traefik/mesh/pkg/version.Version=${mesh_version} -X github.com/traefik/traefik/v2/pkg/version.Version=${traefik_version}"
    # go.sum is committed, so the default -mod=readonly build fetches exactly the pinned modules.
    if ! (cd "$src" && go build -trimpath -ldflags="$ldflags" -o "$bin/" \
      github.com/traefik/mesh/cmd/mesh github.com/traefik/traefik/v2/cmd/traefik); then
      echo "82-traefik-mesh: go build in test/go-peers-smi failed" >&2
      return 1
    fi
    rm -f "$bin"/.traefik-mesh-*
    touch "$stamp"
  fi
  export CONFORMAL_TRAEFIK_MESH="$bin/mesh"
  export CONFORMAL_TRAEFIK="$bin/traefik"
  local moddir
  if moddir="$(cd "$src" && go list -m -f '{{.Dir}}' github.com/traefik/mesh)" && [ -d "$moddir/integration/testdata/crds" ]; then
    export CONFORMAL_TRAEFIK_MESH_CRDS="$moddir/integration/testdata/crds"
  fi
  echo "82-traefik-mesh: mesh=${CONFORMAL_TRAEFIK_MESH} traefik=${CONFORMAL_TRAEFIK} crds=${CONFORMAL_TRAEFIK_MESH_CRDS:-missing} ready in $((SECONDS - started)) s"
}

conformal_traefik_mesh_setup
