// Assertions shared by the CNI suite: how a failure must look (exit code, error JSON on stdout,
// spec code), result shape per version, and what a result claims versus what the namespace holds.
import { ConformanceError } from '../../src/core/errors.js';
import type { LedgerHandle } from '../../src/core/ledger.js';
import type { TestContext } from '../../src/core/test.js';
import type { CniEnv } from '../../src/interfaces/cni/env.js';
import type { Namespace } from '../../src/interfaces/cni/netns.js';
import { describeOutcome, type Attachment, type PluginOutcome } from '../../src/interfaces/cni/runtime/invoke.js';
import { describeIssues, resultSchemaFor } from '../../src/interfaces/cni/schemas.js';
import { resultFamily } from '../../src/interfaces/cni/versions.js';
import { Cap } from '../../src/interfaces/cni/capabilities.js';
import { deviation } from '../../src/interfaces/cni/deviations.js';

export type Ctx = TestContext<CniEnv>;

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceError(message);
}

export interface ExpectedFailure {
  /** Acceptable spec codes; empty = any code. */
  readonly codes: readonly number[];
  /** Words the message must contain (e.g. the variable's name). */
  readonly mentions?: readonly string[];
  readonly what: string;
}

/**
 * The plugin must fail: non-zero exit, an error object on stdout (not stderr only, not mixed with a
 * result), an expected code, the named things in the message. A missing error cniVersion fails in
 * strict and is a deviation in compatible.
 */
export function expectFailure(ctx: Ctx, outcome: PluginOutcome, expected: ExpectedFailure): void {
  check(outcome.exitCode !== 0, `${expected.what}: expected a failure, but the plugin exited 0 (stdout ${JSON.stringify(outcome.stdout.slice(0, 200))})`);
  check(!outcome.errorOnStderr, `${expected.what}: the error JSON is on stderr only; the spec and libcni read it from stdout`);
  const malformed = outcome.error ? undefined : malformedErrorObject(outcome.json);
  check(!malformed, `${expected.what}: ${malformed}; SPEC.md "Error": code is an integer and msg a string`);
  check(outcome.error, `${expected.what}: no error object on stdout (${describeOutcome(outcome)})`);
  const error = outcome.error;
  check(expected.codes.length === 0 || expected.codes.includes(error.code), `${expected.what}: error code ${error.code} ("${error.msg}"), expected ${expected.codes.join(' or ')}`);
  for (const word of expected.mentions ?? []) {
    check(`${error.msg} ${error.details ?? ''}`.includes(word), `${expected.what}: the error message "${error.msg}" does not name ${word}`);
  }
  if (error.cniVersion === undefined) {
    if (ctx.env.profile === 'strict') throw new ConformanceError(`${expected.what}: the error object has no cniVersion (the spec shows it; profile strict)`);
    ctx.env.deviation(ctx, deviation.errorWithoutVersion(outcome.type));
  }
  ctx.log(`failed as expected: ${describeOutcome(outcome)}`);
}

/** What is wrong with an object on stdout that looks like an error object but is not a valid one. */
function malformedErrorObject(json: unknown): string | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('code' in json || 'msg' in json)) return undefined;
  const { code, msg } = json as { code?: unknown; msg?: unknown };
  if (!Number.isInteger(code)) return `error code must be an integer, got ${JSON.stringify(code)}`;
  if (typeof msg !== 'string') return `error msg must be a string, got ${JSON.stringify(msg)}`;
  return undefined;
}

export function expectSuccess(outcome: PluginOutcome, what: string, options: { silent?: boolean } = {}): void {
  check(outcome.exitCode === 0, `${what}: ${describeOutcome(outcome)}`);
  if (options.silent) check(outcome.stdout.trim() === '', `${what}: must print nothing on success, printed ${JSON.stringify(outcome.stdout.slice(0, 200))}`);
}

/** Steps of a runtime operation: every one exit 0 (and silent when asked). */
export function expectAllSucceeded(steps: readonly PluginOutcome[], what: string, options: { silent?: boolean } = {}): void {
  for (const step of steps) expectSuccess(step, `${what} (${step.type})`, options);
}

type Rich = {
  cniVersion: string;
  interfaces?: Array<{ name: string; mac?: string; sandbox?: string }>;
  ips?: Array<{ interface?: number; address: string; gateway?: string }>;
  routes?: Array<{ dst: string; gw?: string }>;
  dns?: unknown;
};
type Legacy = { cniVersion: string; ip4?: { ip: string; routes?: Array<{ dst: string; gw?: string }> }; ip6?: { ip: string; routes?: Array<{ dst: string; gw?: string }> } };

/** Validates a result against `version`'s exact shape and its internal references. */
export function checkResultShape(result: unknown, version: string, netns: string | undefined): void {
  const parsed = resultSchemaFor(version).safeParse(result);
  check(parsed.success, `result is not a ${version} result: ${parsed.success ? '' : describeIssues(parsed.error)}`);
  const r = result as Rich;
  check(r.cniVersion === version, `result cniVersion is ${JSON.stringify(r.cniVersion)}, the request asked for ${version}`);
  if (resultFamily(version) === 'legacy') return;
  const interfaces = r.interfaces ?? [];
  for (const [i, ip] of (r.ips ?? []).entries()) {
    if (ip.interface === undefined) continue;
    check(ip.interface < interfaces.length, `ips[${i}].interface is ${ip.interface} but the result lists ${interfaces.length} interface(s)`);
  }
  for (const iface of interfaces) {
    if (iface.sandbox !== undefined && netns !== undefined) check(iface.sandbox === netns || iface.sandbox === '', `interface ${iface.name} has sandbox ${iface.sandbox}, expected CNI_NETNS ${netns} (or none for host interfaces)`);
  }
}

/** Every address (CIDR) the result assigns, whatever its version. */
export function addressesOf(result: unknown): string[] {
  const r = result as Rich & Legacy;
  if (r.ip4 || r.ip6) return [r.ip4?.ip, r.ip6?.ip].filter((v): v is string => typeof v === 'string');
  return (r.ips ?? []).map((ip) => ip.address);
}

const bare = (cidr: string) => cidr.split('/')[0]!;

/** What the result says about CNI_IFNAME in the namespace must be true there: link, addresses, routes. */
export async function verifyInNamespace(ctx: Ctx, ns: Namespace, ifname: string, result: unknown): Promise<void> {
  const state = await ctx.env.netns!.inspect(ns, ctx.signal);
  const r = result as Rich & Legacy;
  const legacy = Boolean(r.ip4 || r.ip6);
  // A legacy result names no interface: it is CNI_IFNAME only when the plugin creates interfaces.
  const interfaces = legacy ? (ctx.capabilities.has(Cap.interfaceCreate) ? [{ name: ifname, sandbox: ns.path }] : []) : (r.interfaces ?? []);
  const inside = interfaces.map((iface, index) => ({ iface, index })).filter(({ iface }) => iface.sandbox === ns.path);
  for (const { iface, index } of inside) {
    const link = state.links.find((l) => l.name === iface.name);
    check(link, `the result lists interface ${iface.name} in ${ns.path}, but the namespace has only [${state.links.map((l) => l.name).join(', ')}]`);
    if (iface.mac) check(link.mac?.toLowerCase() === iface.mac.toLowerCase(), `interface ${iface.name}: result MAC ${iface.mac}, namespace has ${link.mac}`);
    const assigned = legacy ? addressesOf(result) : (r.ips ?? []).filter((ip) => ip.interface === index).map((ip) => ip.address);
    for (const address of assigned) {
      check(link.addresses.includes(address), `interface ${iface.name} should carry ${address} (per the result), namespace has [${link.addresses.join(', ')}]`);
    }
  }
  if (inside.length === 0) return; // nothing of the result lives in the namespace (IPAM-only results)
  const routes = legacy ? [...(r.ip4?.routes ?? []), ...(r.ip6?.routes ?? [])] : (r.routes ?? []);
  for (const route of routes) {
    const dst = route.dst === '0.0.0.0/0' || route.dst === '::/0' ? 'default' : route.dst;
    const present = state.routes.some((s) => (s.dst === dst || bare(s.dst) === bare(dst)) && (!route.gw || s.gw === route.gw));
    check(present, `the result lists route ${route.dst}${route.gw ? ` via ${route.gw}` : ''}, the namespace has no such route`);
  }
  ctx.log(`verified in ${ns.name}: ${inside.map(({ iface }) => iface.name).join(', ')}; ${routes.length} route(s)`);
}

/**
 * The container-side interface a result reports: CNI_IFNAME when listed in the sandbox, else the
 * first interface in the sandbox (loopback reports "lo" whatever CNI_IFNAME says).
 */
export function sandboxInterface(result: unknown, ns: Namespace, ifname: string): string {
  const inside = ((result as Rich).interfaces ?? []).filter((i) => i.sandbox === ns.path);
  const chosen = inside.find((i) => i.name === ifname) ?? inside[0];
  check(chosen, `the result lists no interface inside ${ns.path}: ${JSON.stringify(result)}`);
  return chosen.name;
}

/** The first address the result assigns, with its prefix (for requested-address tests). */
export function firstAddress(result: unknown): string {
  const [address] = addressesOf(result);
  check(address, `the result assigns no address: ${JSON.stringify(result)}`);
  return address;
}

/**
 * A DEL in the ledger for an ADD that is expected to fail: should a broken plugin succeed, its
 * allocation is still undone. Its own failure is only logged (the test is about the ADD).
 */
export function safetyDel(ctx: Ctx, attachment: Attachment): LedgerHandle {
  return ctx.ledger.add(`CNI attachment ${attachment.containerID}/${attachment.ifname} (safety DEL)`, async (signal) => {
    await ctx.env.runtime.del(attachment, { signal }).catch((error: unknown) => ctx.log(`safety DEL failed: ${(error as Error).message}`));
  });
}

/** The spec text the suite follows (tag spec-v1.1.0). */
export const SPEC_URL = 'https://github.com/containernetworking/cni/blob/spec-v1.1.0/SPEC.md';
