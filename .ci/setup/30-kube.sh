# Sourced by .ci/run. Installs etcd (Debian's etcd-server 3.4.23), the store of every real
# kube-apiserver the tests start; the Kubernetes binaries themselves (v1.37.2) come from
# 80-go-peers.sh. Exports CONFORMAL_ETCD.

conformal_etcd_setup() {
  if ! command -v etcd >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends etcd-server >/dev/null || return 1
  fi
  # Debian starts an etcd service on install when it can; our tests run their own on other ports.
  export CONFORMAL_ETCD="$(command -v etcd)"
  echo "30-kube: etcd $("$CONFORMAL_ETCD" --version | sed -n 's/^etcd Version: //p') at $CONFORMAL_ETCD"
}

conformal_etcd_setup
