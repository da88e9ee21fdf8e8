// Opening a CNI run: resolve the target, ask every plugin VERSION, settle the version, choose
// the namespace provider, derive capabilities and record compatible-profile warnings found up front.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TargetUnreachableError } from '../../core/errors.js';
import type { OpenContext, Session } from '../../core/plugin.js';
import { deriveCapabilities } from './capabilities.js';
import { asWarning, deviation, probeDeviations } from './deviations.js';
import { CniTestEnv, type CniEnv } from './env.js';
import { SimulatedNetns, realNetns, type NetnsProvider } from './netns.js';
import type { CniOptions } from './options.js';
import { findPlugin, describeOutcome } from './runtime/invoke.js';
import { CniRuntime } from './runtime/network.js';
import { selectVersion, type NetworkList } from './runtime/config.js';
import { versionInfoSchema, describeIssues } from './schemas.js';
import { REFERENCE_UNSUPPORTED_FIELD, resolveTarget, type ResolvedTarget } from './target.js';
import { compareVersions, isSpecVersion } from './versions.js';
import { listAllocations } from './leaks.js';
import { ReferencePlacement } from './reference-placement.js';
import { ResidentReference } from './resident.js';

async function pickNetns(embedded: boolean, simulated: boolean, context: OpenContext): Promise<{ provider?: NetnsProvider; why?: string }> {
  if (simulated) {
    return { provider: new SimulatedNetns(join(context.workDir, 'netns')) };
  }
  const { provider, why } = await realNetns(`cni-${context.runId}`, context.signal);
  if (provider) return { provider };
  if (embedded) return { provider: new SimulatedNetns(join(context.workDir, 'netns')), why: `${why}; the embedded reference runs with simulated namespaces` };
  return { why };
}

export async function openCniSession(options: CniOptions, context: OpenContext): Promise<Session<CniEnv>> {
  const target = resolveTarget(options, context.workDir);
  // The embedded reference's resident workers: stopped when the session closes or fails to open.
  const resident = target.residentDir ? await ResidentReference.start(target.residentDir) : undefined;
  try {
    return await openTarget(options, context, target, resident);
  } catch (error) {
    await resident?.stop();
    throw error;
  }
}

async function openTarget(options: CniOptions, context: OpenContext, target: ResolvedTarget, resident: ResidentReference | undefined): Promise<Session<CniEnv>> {
  const cacheDir = join(context.workDir, 'cni-cache');
  mkdirSync(cacheDir, { recursive: true });
  for (const plugin of target.network.plugins) {
    try {
      findPlugin(plugin.type as string, target.cniPath);
    } catch (error) {
      throw new TargetUnreachableError(String(plugin.type), (error as Error).message, { cause: error });
    }
  }
  // Whether namespaces can be made does not depend on the plugins: found out meanwhile.
  const netnsChoice = pickNetns(target.embedded, options.simulatedNetns, context);
  try {
    return await openWith(options, context, target, cacheDir, netnsChoice, resident);
  } catch (error) {
    // A session that never opened leaves none of the namespaces made for its tests behind.
    const made = await netnsChoice.catch(() => undefined);
    await made?.provider?.flush(AbortSignal.timeout(10_000)).catch(() => undefined);
    throw error;
  }
}

async function openWith(
  options: CniOptions,
  context: OpenContext,
  target: ResolvedTarget,
  cacheDir: string,
  netnsChoice: ReturnType<typeof pickNetns>,
  resident: ResidentReference | undefined,
): Promise<Session<CniEnv>> {
  const probeRuntime = new CniRuntime(target.network, { cniPath: target.cniPath, capabilityArgs: target.capabilityArgs, pluginTimeoutMs: options.pluginTimeoutMs, cacheDir });
  const warnings: string[] = [];
  const perPlugin: string[][] = [];
  for (let i = 0; i < target.network.plugins.length; i++) {
    const outcome = await probeRuntime.version(i, target.network.cniVersion, context.signal);
    const info = versionInfoSchema.safeParse(outcome.json);
    if (outcome.exitCode !== 0 || !info.success) {
      // No usable VERSION: assume what the config asks for; the VERSION test reports the failure.
      warnings.push(`${outcome.type} VERSION gave no usable answer (${outcome.exitCode !== 0 ? describeOutcome(outcome) : describeIssues(info.error!)}); assuming only ${target.network.cniVersion}`);
      perPlugin.push([target.network.cniVersion]);
      continue;
    }
    perPlugin.push(info.data.supportedVersions);
    // Only a version the plugin supports can be echoed (with --plugin alone the input is a placeholder).
    if (info.data.cniVersion !== target.network.cniVersion && info.data.supportedVersions.includes(target.network.cniVersion) && options.profile === 'compatible') {
      warnings.push(asWarning(deviation.versionNotEchoed(outcome.type, info.data.cniVersion, target.network.cniVersion)));
    }
  }
  const versions = perPlugin.reduce((common, list) => common.filter((v) => list.includes(v))).filter(isSpecVersion).sort(compareVersions);
  const network = settleVersion(target.network, versions, Boolean(options.plugin && !options.netConfig), warnings);
  const runtime = new CniRuntime(network, { cniPath: target.cniPath, capabilityArgs: target.capabilityArgs, pluginTimeoutMs: options.pluginTimeoutMs, cacheDir });
  const netns = await netnsChoice;
  if (netns.why) {
    warnings.push(netns.provider ? netns.why : `${netns.why}: tests that need a network namespace are skipped (capability privileges.netns)`);
    context.log.warn(netns.why);
  }
  const unsupportedField = options.unsupportedField ?? (target.embedded ? REFERENCE_UNSUPPORTED_FIELD : undefined);
  const makeEnv = (over: CniRuntime) => new CniTestEnv(over, options.profile, netns.provider, versions, options.concurrentAdds, warnings, unsupportedField);
  const placement = target.embedded ? new ReferencePlacement(runtime, await delegationTests(), makeEnv) : undefined;
  // The runner copies warnings when the session opens: deviations found up front reach the report.
  if (options.profile === 'compatible') warnings.push(...(await probeDeviations(placement?.inProcessRuntime ?? runtime, context.signal)).map(asWarning));
  const capabilities = deriveCapabilities(network, versions, netns.provider !== undefined, options.ipamPool, unsupportedField !== undefined);
  const networks = () => (placement ? placement.networks() : [{ network, runtime }]);
  return {
    env: makeEnv(runtime),
    ...(placement ? { placement: (test) => placement.placement(test) } : {}),
    capabilities,
    warnings,
    implementation: {
      name: network.plugins.map((p) => String(p.type)).join('+'),
      version: versions.at(-1),
      endpoint: target.source,
      embeddedReference: target.embedded,
      details: { network: network.name, cniVersion: network.cniVersion, cniPath: target.cniPath.join(':'), profile: options.profile, namespaces: netns.provider?.kind ?? 'none' },
    },
    async leakCheck(signal) {
      const namespaces = (await netns.provider?.flush(signal)) ?? [];
      return [
        ...networks().flatMap(({ network: net, runtime: over }) => [
          ...over.cachedAttachments().map((a) => `CNI attachment ${a.containerID}/${a.ifname} was never deleted`),
          ...(target.embedded ? listAllocations(net) : []),
        ]),
        ...namespaces.map((name) => `network namespace ${name} could not be removed`),
      ];
    },
    async close() {
      // After an interrupted run no leak check ran: what is still pending goes now.
      let left: string[];
      try {
        left = (await netns.provider?.flush(AbortSignal.timeout(10_000))) ?? [];
      } finally {
        await resident?.stop();
      }
      if (left.length > 0) throw new Error(`network namespaces left behind: ${left.join(', ')}`);
    },
  };
}

/** Ids of the tests cited for a rule of SPEC.md section 4 (plugin delegation): loaded with the suite's rules. */
async function delegationTests(): Promise<Set<string>> {
  const { delegationRules } = await import('../../../suites/cni/rules/section4-delegation.js');
  return new Set(delegationRules.flatMap((rule) => rule.tests ?? []));
}

/** With --plugin alone the config's version is a placeholder: use the highest the plugin advertises. */
function settleVersion(network: NetworkList, versions: readonly string[], fromPluginAlone: boolean, warnings: string[]): NetworkList {
  if (!fromPluginAlone) {
    if (!versions.includes(network.cniVersion)) {
      warnings.push(`network ${network.name} uses version ${network.cniVersion}, which its plugins do not all advertise (common: ${versions.join(', ') || 'none'})`);
    }
    return network;
  }
  const chosen = selectVersion(undefined, versions);
  return chosen ? { ...network, cniVersion: chosen } : network;
}
