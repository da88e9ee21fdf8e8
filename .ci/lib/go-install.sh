# Sourced by the .ci/setup scripts (not a setup step itself: .ci/run sources only .ci/setup/*.sh).
#
# conformal_go_install DIR STAMP [go install flags and module@version packages …]
# Installs the packages into DIR through the Go module proxy unless DIR already holds a build
# stamped STAMP (name and version: a version bump in a setup script rebuilds) and every binary the
# packages name. Environment set before the call (CGO_ENABLED=0 …) reaches `go install`.
conformal_go_install() {
  local dir="$1" stamp="$1/.$2" arg binary built=1
  shift 2
  for arg in "$@"; do
    case "$arg" in
      -*) ;;
      *@*) binary="${arg%@*}"; [ -x "$dir/${binary##*/}" ] || built=0 ;;
    esac
  done
  [ "$built" = 1 ] && [ -e "$stamp" ] && return 0
  mkdir -p "$dir"
  GOBIN="$dir" go install "$@" || return 1
  touch "$stamp"
}

# conformal_in_wrapper_module STAMP COMMAND [ARG …]
# For what `go install pkg@version` cannot build (a module with replace lines, a test binary): runs
# COMMAND in a throwaway module (a temp dir after `go mod init`, where go fills go.mod and go.sum from
# the module proxy) and touches STAMP when COMMAND succeeds; the temp dir is removed either way.
# COMMAND must chain its steps with && and return their status: set -e does not hold in the setup
# scripts, which .ci/run sources on the left of `||`.
conformal_in_wrapper_module() {
  local stamp="$1" work rc
  shift
  work="$(mktemp -d)" || return 1
  (cd "$work" && go mod init conformal.invalid/wrapper >/dev/null 2>&1 && GOFLAGS="${GOFLAGS:-} -mod=mod" "$@") && touch "$stamp"
  rc=$?
  rm -rf "$work"
  return $rc
}
