// The Kubernetes release this server models: the one whose kube-apiserver the differential tests
// run (and whose k8s.io/api types wire-schema.ts is generated from).
const MAJOR = '1';
const MINOR = '37';

/** GET /version, with the emulation and compatibility versions kube-apiserver 1.37 reports. */
export const SERVER_VERSION = {
  major: MAJOR,
  minor: MINOR,
  emulationMajor: MAJOR,
  emulationMinor: MINOR,
  // A binary can emulate the previous minor release, so that is its minimum compatibility version.
  minCompatibilityMajor: MAJOR,
  minCompatibilityMinor: String(Number(MINOR) - 1),
  gitVersion: `v${MAJOR}.${MINOR}.2-conformal`,
  gitCommit: '',
  gitTreeState: 'clean',
  buildDate: '1970-01-01T00:00:00Z',
  goVersion: '',
  compiler: 'node',
  platform: `${process.platform}/${process.arch}`,
};

/** `info.version` of the OpenAPI documents: the emulated major.minor. */
export const OPENAPI_VERSION = `${MAJOR}.${MINOR}`;
