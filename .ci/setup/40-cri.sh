# CRI: Debian's containerd, runc and CNI plugins for the real containerd run, and busybox-static,
# from which the harness builds its CRI test images (no public registry is used).
# Sourced by .ci/run: no `exit`, failures are reported and the dependent tests then fail.
apt-get install -y -qq --no-install-recommends containerd runc containernetworking-plugins busybox-static iproute2 \
  || echo "!! 40-cri: apt-get install failed"
export CONFORMAL_CONTAINERD="$(command -v containerd || true)"
export CONFORMAL_BUSYBOX=/bin/busybox
