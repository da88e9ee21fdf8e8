# Sourced by .ci/run. Debian's runc and umoci for test/package/image.test.ts: the image that
# scripts/build-image.mjs writes (an OCI layout, no daemon, no base image from a registry) is
# unpacked by umoci and run by runc as a real container. Exports CONFORMAL_RUNC, CONFORMAL_UMOCI.
# Sourced, so no `set -e` and no `exit`: a failure is reported and the image test then fails.

conformal_image_setup() {
  local started=$SECONDS
  if ! command -v runc >/dev/null 2>&1 || ! command -v umoci >/dev/null 2>&1; then
    if ! apt-get install -y -qq --no-install-recommends runc umoci >/dev/null; then
      echo "70-image: apt-get install runc umoci failed" >&2
      return 1
    fi
  fi
  export CONFORMAL_RUNC="$(command -v runc)"
  export CONFORMAL_UMOCI="$(command -v umoci)"
  echo "70-image: runc $(dpkg-query -W -f='${Version}' runc) and umoci $(dpkg-query -W -f='${Version}' umoci) ready in $((SECONDS - started)) s"
}

conformal_image_setup
