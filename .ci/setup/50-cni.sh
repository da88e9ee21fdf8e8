# Sourced by .ci/run. Installs Debian's CNI plugins (bridge, ptp, host-local, loopback, portmap,
# tuning, bandwidth, ...) plus iproute2 (namespaces) and iptables (portmap) for test/real/cni/, and
# exports CONFORMAL_CNI_PLUGINS_DIR (Debian installs the plugins in /usr/lib/cni).

conformal_cni_setup() {
  local started=$SECONDS
  if ! apt-get install -y -qq --no-install-recommends containernetworking-plugins iproute2 iptables >/dev/null; then
    echo "50-cni: apt-get install containernetworking-plugins iproute2 iptables failed" >&2
    return 1
  fi
  if [ ! -x /usr/lib/cni/bridge ]; then
    echo "50-cni: /usr/lib/cni/bridge missing after install" >&2
    return 1
  fi
  export CONFORMAL_CNI_PLUGINS_DIR=/usr/lib/cni
  echo "50-cni: containernetworking-plugins $(dpkg-query -W -f='${Version}' containernetworking-plugins) ready in $((SECONDS - started)) s"
}

conformal_cni_setup
