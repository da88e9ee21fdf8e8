#!/usr/bin/env bash
# Regenerates src/kube/wire-schema.ts from the k8s.io/api types of the Kubernetes release the
# in-memory API server models (the one the differential tests run). Needs Go and the module proxy.
set -euo pipefail
version="${1:-v0.37.2}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/main.go" "$work/main.go"
cd "$work"
go mod init conformal.invalid/kube-wire >/dev/null 2>&1
go mod edit -require="k8s.io/api@$version" -require="k8s.io/apimachinery@$version"
go mod tidy >/dev/null 2>&1
KUBE_WIRE_VERSION="1.${version#v0.}" go run . > "$repo/src/kube/wire-schema.ts"
echo "wrote src/kube/wire-schema.ts from k8s.io/api $version"
