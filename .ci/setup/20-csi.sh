# Sourced by .ci/run. Installs csi-sanity (kubernetes-csi/csi-test) through the Go module proxy for
# test/real/csi/, and exports CONFORMAL_CSI_SANITY.
#
# csi-driver-host-path's hostpathplugin is not installed: the module proxy answers
# "403 This module version is not available" for every version of
# github.com/kubernetes-csi/csi-driver-host-path here (see docs/csi/real-implementations.md).

# shellcheck source=../lib/go-install.sh
source .ci/lib/go-install.sh

conformal_csi_setup() {
  local sanity_version="v5.6.0"
  local bin="${CONFORMAL_TOOLS:?CONFORMAL_TOOLS must be set}/bin"
  local started=$SECONDS
  if ! conformal_go_install "$bin" "csi-sanity-$sanity_version" "github.com/kubernetes-csi/csi-test/v5/cmd/csi-sanity@$sanity_version"; then
    echo "20-csi: go install csi-sanity@$sanity_version failed" >&2
    return 1
  fi
  export CONFORMAL_CSI_SANITY="$bin/csi-sanity"
  echo "20-csi: csi-sanity $sanity_version ready in $((SECONDS - started)) s"
}

conformal_csi_setup
