# Sourced by the .ci/setup scripts (not a setup step itself: .ci/run sources only .ci/setup/*.sh).
#
# conformal_k8s_version_ldflags RELEASE (v1.X.Y) prints the -X linker flags that make binaries built
# from Kubernetes modules report RELEASE (/version, --version, user agents, kubectl's skew check)
# instead of v0.0.0.
conformal_k8s_version_ldflags() {
  local release="$1" minor pkg flags=""
  minor="${release#v1.}"
  minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags="$flags -X $pkg.gitVersion=$release -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  echo "${flags# }"
}
