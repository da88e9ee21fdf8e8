// Version, Status and runtime conditions, RuntimeConfig, UpdateRuntimeConfig.
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, optionalRpc, rt, runPodWithContainer, type CriContext } from '../../src/interfaces/cri/kit.js';
import type { StatusResponse, VersionResponse } from '../../src/interfaces/cri/types.js';
import { spec } from './spec.js';

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** The info maps of Status, PodSandboxStatus and ContainerStatus (of a fresh pod and container), by RPC. */
async function infoOfEachStatus(ctx: CriContext, verbose: boolean): Promise<Record<string, { info?: Record<string, string> }>> {
  const { pod, container } = await runPodWithContainer(ctx);
  return {
    Status: await rt(ctx, 'Status', { verbose }),
    PodSandboxStatus: await rt(ctx, 'PodSandboxStatus', { podSandboxId: pod.id, verbose }),
    ContainerStatus: await rt(ctx, 'ContainerStatus', { containerId: container.id, verbose }),
  };
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export const runtimeInfoTests = [
  defineTest<CriEnv>({
    id: 'cri.runtime.version',
    title: 'Version names the runtime and speaks runtime API v1',
    spec: spec('RuntimeService.Version', 'returns runtime name, runtime version and runtime API version'),
    profile: 'core',
    operations: ['Version'],
    async run(ctx) {
      const version = await rt<VersionResponse>(ctx, 'Version', { version: 'v1' });
      check(version.runtimeName.trim() !== '', 'Version.runtime_name is empty');
      check(version.runtimeVersion.trim() !== '', 'Version.runtime_version is empty');
      checkEqual(version.runtimeApiVersion, 'v1', 'Version.runtime_api_version');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.runtime.status-conditions',
    title: 'Status reports RuntimeReady and NetworkReady as true',
    spec: spec('RuntimeService.Status', 'RuntimeReady and NetworkReady are required conditions; a healthy runtime reports both true'),
    profile: 'core',
    operations: ['Status'],
    async run(ctx) {
      const status = await rt<StatusResponse>(ctx, 'Status', { verbose: false });
      const conditions = status.status?.conditions ?? [];
      for (const type of ['RuntimeReady', 'NetworkReady']) {
        const condition = conditions.find((c) => c.type === type);
        check(condition, `Status has no ${type} condition (got ${conditions.map((c) => c.type).join(', ') || 'none'})`);
        check(condition.status, `${type} is false: ${condition.reason} ${condition.message}`);
      }
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.runtime.status-verbose',
    tags: ['Feature:StatusVerbose'],
    title: 'Status in verbose mode still reports the conditions',
    spec: spec('RuntimeService.Status', 'verbose adds runtime-specific info; the conditions stay'),
    profile: 'extended',
    operations: ['Status'],
    async run(ctx) {
      const status = await rt<StatusResponse>(ctx, 'Status', { verbose: true });
      check((status.status?.conditions ?? []).some((c) => c.type === 'RuntimeReady'), 'verbose Status lacks the RuntimeReady condition');
      ctx.log(`verbose info keys: ${Object.keys(status.info).join(', ') || 'none'}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.runtime.runtime-config',
    title: 'RuntimeConfig reports the cgroup driver',
    spec: spec('RuntimeService.RuntimeConfig', 'returns the Linux cgroup driver, static for the runtime lifetime'),
    profile: 'extended',
    tags: ['Feature:RuntimeConfig'],
    operations: ['RuntimeConfig'],
    async run(ctx) {
      const first = await optionalRpc(ctx, 'RuntimeConfig', () => rt<{ linux: { cgroupDriver: string } | null }>(ctx, 'RuntimeConfig', {}));
      check(first.linux, 'RuntimeConfig returned no linux section');
      check(['SYSTEMD', 'CGROUPFS'].includes(first.linux.cgroupDriver), `unknown cgroup driver ${first.linux.cgroupDriver}`);
      const second = await rt<{ linux: { cgroupDriver: string } | null }>(ctx, 'RuntimeConfig', {});
      checkEqual(second.linux?.cgroupDriver, first.linux.cgroupDriver, 'cgroup driver on a second call');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.runtime.update-runtime-config',
    tags: ['Feature:RuntimeConfig'],
    title: 'UpdateRuntimeConfig accepts a pod CIDR',
    spec: spec('RuntimeService.UpdateRuntimeConfig', 'the kubelet pushes the node pod CIDR; the runtime accepts it'),
    profile: 'extended',
    serial: true,
    operations: ['UpdateRuntimeConfig'],
    async run(ctx) {
      // 10.88.0.0/16 is the CIDR containerd's own default CNI config uses; no traffic is sent.
      await optionalRpc(ctx, 'UpdateRuntimeConfig', () => rt(ctx, 'UpdateRuntimeConfig', { runtimeConfig: { networkConfig: { podCidr: '10.88.0.0/16' } } }));
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.runtime.info-only-verbose',
    tags: ['Feature:StatusVerbose'],
    title: 'Status, PodSandboxStatus and ContainerStatus return info only when verbose',
    spec: spec('StatusResponse.info', 'it should only be returned non-empty when verbose is true (also PodSandboxStatusResponse and ContainerStatusResponse)'),
    profile: 'extended',
    operations: ['Status', 'PodSandboxStatus', 'ContainerStatus'],
    async run(ctx) {
      const answers = await infoOfEachStatus(ctx, false);
      for (const [rpc, answer] of Object.entries(answers)) checkEqual(Object.keys(answer.info ?? {}), [], `info keys of ${rpc} without verbose`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.runtime.handler-names-unique',
    title: 'Status lists each runtime handler name once',
    spec: spec('RuntimeHandler.name', 'name must be unique in StatusResponse'),
    profile: 'core',
    operations: ['Status'],
    async run(ctx) {
      const status = await rt<StatusResponse>(ctx, 'Status', { verbose: false });
      const names = (status.runtimeHandlers ?? []).map((h) => h.name);
      checkEqual(names.filter((name, i) => names.indexOf(name) !== i), [], 'runtime handler names listed more than once');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.runtime.info-json',
    tags: ['Feature:StatusVerbose'],
    title: 'Verbose info of Status, PodSandboxStatus and ContainerStatus is JSON',
    spec: spec('StatusResponse.info', 'the value should be in json format (also PodSandboxStatusResponse and ContainerStatusResponse)'),
    profile: 'extended',
    operations: ['Status', 'PodSandboxStatus', 'ContainerStatus'],
    async run(ctx) {
      const answers = await infoOfEachStatus(ctx, true);
      const notJson = Object.entries(answers).flatMap(([rpc, answer]) =>
        Object.entries(answer.info ?? {}).filter(([, value]) => !parsesAsJson(value)).map(([key, value]) => `${rpc} info[${key}] = ${JSON.stringify(value.slice(0, 80))}`),
      );
      checkEqual(notJson, [], 'verbose info values that are not JSON');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.runtime.version-semver',
    title: 'Version reports a semver-compatible runtime version',
    spec: spec('VersionResponse.runtime_version', 'the string must be semver-compatible'),
    profile: 'core',
    operations: ['Version'],
    async run(ctx) {
      const version = await rt<VersionResponse>(ctx, 'Version', { version: '0.1.0' });
      // semver.org's grammar, with the leading "v" Go's semver packages accept.
      check(SEMVER.test(version.runtimeVersion), `runtime_version ${JSON.stringify(version.runtimeVersion)} is not a semantic version`);
    },
  }),
];
