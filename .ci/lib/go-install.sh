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
