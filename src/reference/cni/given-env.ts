// The environment the runtime gave the plugin. The launchers (bin/conformal-cni-ref*.cjs) start
// Node without NODE_EXTRA_CA_CERTS, whose file Node 20 parses whole at every start, and carry its
// value in CARRIER; a delegate must still get "all the same environment variables" (SPEC.md 4).

export const CARRIER = 'CONFORMAL_REF_NODE_EXTRA_CA_CERTS';

/** process.env as the runtime passed it: NODE_EXTRA_CA_CERTS back (when it was set), the carrier gone. */
export function givenEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { [CARRIER]: carried, ...given } = env;
  if (carried) given.NODE_EXTRA_CA_CERTS = carried;
  return given;
}
