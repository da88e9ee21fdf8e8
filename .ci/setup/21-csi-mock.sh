# Sourced by .ci/run. Builds test/csi-mock-driver — our own small Go program serving Kubernetes' e2e
# CSI mock driver (k8s.io/kubernetes/test/e2e/storage/drivers/csi-test/mock/service, pinned to
# v1.32.13 in its go.mod, staging modules pinned to their published v0.32.13 twins) — for
# test/real/csi/mock-driver.test.ts, and exports CONFORMAL_CSI_MOCK_DRIVER.
# Sourced, so no `set -e` and no `exit`: a failure is reported and the dependent test then fails.

conformal_csi_mock_setup() {
  local bin="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/bin"
  local src
  src="$(pwd)/test/csi-mock-driver"
  local started=$SECONDS
  mkdir -p "$bin"
  # go.sum is committed, so the default -mod=readonly build fetches exactly the pinned modules.
  if (cd "$src" && go build -trimpath -o "$bin/csi-mock-driver" .); then
    export CONFORMAL_CSI_MOCK_DRIVER="$bin/csi-mock-driver"
    echo "21-csi-mock: csi-mock-driver (k8s.io/kubernetes v1.32.13 mock service) built in $((SECONDS - started)) s"
  else
    echo "21-csi-mock: go build of test/csi-mock-driver failed" >&2
    return 1
  fi
}

conformal_csi_mock_setup
