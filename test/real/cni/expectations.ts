// The documented per-plugin result table (docs/cni/real-plugins.md) for Debian's
// containernetworking-plugins 1.1.1: which suite tests fail on each real plugin and why (a real
// deviation, with the rule), and which are skipped for lack of a capability.

export interface Deviation {
  /** Suite test id. */
  readonly id: string;
  /** The rule and what the plugin does instead, with an upstream reference where one exists. */
  readonly why: string;
}

export interface RealCase {
  readonly name: string;
  readonly fixture: string;
  readonly capabilityArgs?: string;
  readonly profile: 'strict' | 'compatible';
  readonly failures: readonly Deviation[];
  /** Tests skipped for a missing capability (every other test must pass). */
  readonly skipped: readonly string[];
}

const PREV_RESULT: Deviation = {
  id: 'cni.add.prev-result-kept',
  why: 'SPEC §ADD "if the plugin was supplied a prevResult it MUST handle it by passing it through or modifying it": the plugin builds a fresh result and drops the supplied prevResult',
};
const ROUTE_GW_CHECK = (id: string): Deviation => ({
  id,
  why: 'SPEC §CHECK "must handle CHECK immediately after ADD": an IPAM route without "gw" is installed via the gateway, then CHECK looks for it without one ("Expected Route … GW:<nil> not found"); containernetworking/plugins#886, fixed by #887 after 1.1.1',
});
const PORTMAP_V6_CHECK = (id: string): Deviation => ({
  id,
  why: 'SPEC §CHECK "must handle CHECK immediately after ADD": portmap CHECK looks for ip6tables DNAT rules it never created for an IPv4-only container ("could not check ipv6 dnat"); containernetworking/plugins#819',
});
const LOOPBACK_SHAPE = (version: string): Deviation => ({
  id: `cni.result.version-${version.replaceAll('.', '-')}`,
  why: `SPEC §Result types: a ${version} request must get the ${version} shape; loopback labels a 1.0.0-shaped result (no ips[].version${version.startsWith('0.1') || version.startsWith('0.2') ? ', interfaces/ips instead of ip4/ip6' : ''}) as ${version} (compare cni#895)`,
});
const STRICT_ERROR_VERSION = (id: string): Deviation => ({
  id,
  why: 'strict profile: the spec example error object has cniVersion; Go types.Error never emits it (cni#827). Compatible profile accepts this with a warning',
});

/** Everything needing 1.1.0 (Debian's plugins top out at 1.0.0), plus the code-2 test (no unsupportedField configured). */
const NO_110 = ['cni.result.version-1-1-0', 'cni.status.ready', 'cni.env.cni-path-optional-status', 'cni.gc.reclaims-unlisted', 'cni.gc.reclaims-unlisted-old-key', 'cni.config.unsupported-field'];
const SINGLE = [...NO_110, 'cni.chain.prev-result-passed'];

export const REAL_CASES: readonly RealCase[] = [
  {
    name: 'bridge+host-local',
    fixture: 'bridge-host-local.conflist',
    profile: 'compatible',
    failures: [PREV_RESULT, ROUTE_GW_CHECK('cni.check.after-add'), ROUTE_GW_CHECK('cni.check.tolerates-chained-changes'), ROUTE_GW_CHECK('cni.check.reads-prev-result'), ROUTE_GW_CHECK('cni.check.asks-ipam-delegate')],
    skipped: SINGLE,
  },
  {
    name: 'ptp+host-local',
    fixture: 'ptp-host-local.conflist',
    profile: 'compatible',
    failures: [PREV_RESULT],
    skipped: SINGLE,
  },
  {
    name: 'ptp+host-local (strict)',
    fixture: 'ptp-host-local.conflist',
    profile: 'strict',
    failures: [
      PREV_RESULT,
      ...['cni.env.missing-required', 'cni.env.invalid-ifname', 'cni.env.invalid-container-id', 'cni.config.not-json', 'cni.config.unsupported-version', 'cni.config.invalid-name', 'cni.add.existing-interface-fails', 'cni.check.needs-0-4-0', 'cni.check.detects-removed-interface', 'cni.check.reads-prev-result', 'cni.check.asks-ipam-delegate'].map(STRICT_ERROR_VERSION),
      { id: 'cni.env.cni-path-optional', why: 'strict profile: SPEC §Parameters lists CNI_PATH as optional for ADD/DEL; skel requires it (code 4). Compatible profile accepts this with a warning' },
      { id: 'cni.env.cni-path-optional-check', why: 'strict profile: SPEC §CHECK lists CNI_PATH as optional; skel requires it (code 4). Compatible profile accepts this with a warning' },
    ],
    skipped: SINGLE,
  },
  {
    name: 'loopback',
    fixture: 'loopback.conflist',
    profile: 'compatible',
    failures: [
      ...['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0'].map(LOOPBACK_SHAPE),
      {
        id: 'cni.add.existing-interface-fails',
        why: 'SPEC §Parameters "if the plugin is unable to use the interface name it must return an error" / §ADD existing interface: loopback ignores CNI_IFNAME, configures "lo" and succeeds again (the spec itself conflicts here, cni#901)',
      },
      {
        id: 'cni.add.result-names-attachment',
        why: 'SPEC §Parameters "if the plugin is unable to use the interface name it must return an error": asked for CNI_IFNAME cnfif0, loopback configures and reports "lo"',
      },
      {
        id: 'cni.del.removes-interface',
        why: 'SPEC §Parameters "if the plugin is unable to use the interface name it must return an error": loopback never creates CNI_IFNAME (eth0), so its removal by DEL cannot be shown',
      },
      {
        id: 'cni.check.reads-prev-result',
        why: 'SPEC §CHECK "The plugin must consult the prevResult to determine the expected interfaces and addresses": loopback CHECK succeeds although its prevResult expects 198.51.100.7/24 on lo, which lo does not carry',
      },
    ],
    skipped: [...SINGLE, 'cni.add.concurrent-distinct-addresses', 'cni.del.frees-address', 'cni.check.asks-ipam-delegate'],
  },
  {
    name: 'host-local (IPAM alone)',
    fixture: 'host-local.conflist',
    profile: 'compatible',
    failures: [PREV_RESULT],
    skipped: [...SINGLE, 'cni.env.invalid-ifname', 'cni.add.existing-interface-fails', 'cni.add.result-names-attachment', 'cni.del.removes-interface', 'cni.check.detects-removed-interface', 'cni.check.reads-prev-result', 'cni.check.tolerates-chained-changes'],
  },
  {
    name: 'bridge+portmap+tuning+bandwidth',
    fixture: 'bridge-portmap-tuning-bandwidth.conflist',
    capabilityArgs: 'chain-capability-args.json',
    profile: 'compatible',
    failures: [PREV_RESULT, PORTMAP_V6_CHECK('cni.check.after-add'), PORTMAP_V6_CHECK('cni.check.tolerates-chained-changes'), PORTMAP_V6_CHECK('cni.check.reads-prev-result'), PORTMAP_V6_CHECK('cni.check.asks-ipam-delegate')],
    // Versions before 0.3.0 have no chaining: a four-plugin list cannot run at them.
    skipped: [...NO_110, 'cni.result.version-0-1-0', 'cni.result.version-0-2-0'],
  },
];
