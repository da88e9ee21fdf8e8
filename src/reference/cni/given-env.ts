// The environment the runtime gave the plugin. The launchers (bin/conformal-cni-ref*.cjs) start
// Node without NODE_EXTRA_CA_CERTS, whose file Node 20 parses whole at every start, and carry its
// value in CARRIER; a delegate must still get "all the same environment variables" (SPEC.md 4).
// The resident launcher (bin/conformal-cni-launcher.pl), when it runs the Node launcher itself,
// carries the path it was executed by in SELF_CARRIER.

export const CARRIER = 'CONFORMAL_REF_NODE_EXTRA_CA_CERTS';
export const SELF_CARRIER = 'CONFORMAL_REF_SELF';

/** `env` as the runtime passed it: NODE_EXTRA_CA_CERTS back (when it was set), the carriers gone. */
export function givenEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [CARRIER]: carried, [SELF_CARRIER]: _self, ...given } = env;
  if (carried) given.NODE_EXTRA_CA_CERTS = carried;
  return given;
}
