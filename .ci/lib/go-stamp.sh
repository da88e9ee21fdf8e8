# Sourced by the .ci/setup scripts that build Go peers (not a setup step itself).
#
# conformal_go_stamp BIN NAME DIR FILE... prints the path of the stamp file BIN/.NAME-HASH, HASH
# covering FILE... (relative to DIR, or absolute): a build is skipped while that file exists.
conformal_go_stamp() {
  local bin="$1" name="$2" dir="$3"
  shift 3
  local hash
  hash="$(cd "$dir" && sha256sum "$@" | sha256sum | cut -c1-16)"
  echo "$bin/.$name-$hash"
}
