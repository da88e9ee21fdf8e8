// Pod sandbox lifecycle, status, attributes and listing with every filter.
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, containerStatus, expectRpcError, listContainers, podConfig, removePod, rt, runPod, runPodWithContainer, sandboxStatus, type CriContext } from '../../src/interfaces/cri/kit.js';
import type { PodSandbox, PodSandboxConfig, PodSandboxMetadata } from '../../src/interfaces/cri/types.js';
import { grpc } from '../../src/transport/grpc.js';
import { spec } from './spec.js';

async function listPods(ctx: Parameters<typeof rt>[0], filter: object): Promise<PodSandbox[]> {
  const { items } = await rt<{ items: PodSandbox[] }>(ctx, 'ListPodSandbox', { filter });
  return items;
}

/** RunPodSandbox must refuse this request; a sandbox it creates anyway is removed and the test fails. */
async function expectRunPodRefused(ctx: CriContext, config: PodSandboxConfig, runtimeHandler: string, what: string): Promise<void> {
  let created: string | undefined;
  try {
    created = (await rt<{ podSandboxId: string }>(ctx, 'RunPodSandbox', { config, runtimeHandler })).podSandboxId;
  } catch {
    return;
  }
  ctx.ledger.add(`sandbox ${what} ${created}`, (signal) => removePod(ctx, created!, signal));
  check(false, `RunPodSandbox ${what} succeeded (sandbox ${created})`);
}

/** The four fields of PodSandboxMetadata in a fixed order, for comparison. */
const metadataFields = (m: PodSandboxMetadata) => ({ name: m.name, uid: m.uid, namespace: m.namespace, attempt: m.attempt });

export const sandboxTests = [
  defineTest<CriEnv>({
    id: 'cri.sandbox.run-ready',
    title: 'A new pod sandbox is ready and keeps its metadata',
    spec: spec('RuntimeService.RunPodSandbox', 'the sandbox is in the ready state on success'),
    profile: 'core',
    operations: ['RunPodSandbox', 'PodSandboxStatus'],
    async run(ctx) {
      const before = Date.now();
      const pod = await runPod(ctx);
      const status = await sandboxStatus(ctx, pod.id);
      checkEqual(status.state, 'SANDBOX_READY', 'state after RunPodSandbox');
      checkEqual(status.id, pod.id, 'PodSandboxStatus.id');
      checkEqual(status.metadata.name, pod.config.metadata.name, 'metadata.name');
      checkEqual(status.metadata.uid, pod.config.metadata.uid, 'metadata.uid');
      checkEqual(status.metadata.namespace, pod.config.metadata.namespace, 'metadata.namespace');
      const createdMs = status.createdAt / 1e6;
      check(createdMs > before - 60_000 && createdMs < Date.now() + 60_000, `created_at ${status.createdAt} is not a nanosecond timestamp of now`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.labels-annotations',
    title: 'Pod sandbox status and listing preserve labels and annotations',
    spec: spec('PodSandboxConfig', 'labels and annotations given at creation are returned unchanged'),
    profile: 'core',
    operations: ['RunPodSandbox', 'PodSandboxStatus', 'ListPodSandbox'],
    async run(ctx) {
      const labels = { 'conformal.io/role': 'label-check', tier: ctx.unique('tier') };
      const annotations = { 'conformal.io/note': 'annotation value with spaces', empty: '' };
      const pod = await runPod(ctx, { labels, annotations });
      const status = await sandboxStatus(ctx, pod.id);
      for (const [key, value] of Object.entries(labels)) checkEqual(status.labels[key], value, `status label ${key}`);
      for (const [key, value] of Object.entries(annotations)) checkEqual(status.annotations[key], value, `status annotation ${key}`);
      const [listed] = await listPods(ctx, { id: pod.id });
      check(listed, 'ListPodSandbox by id did not return the sandbox');
      for (const [key, value] of Object.entries(labels)) checkEqual(listed.labels[key], value, `listed label ${key}`);
      for (const [key, value] of Object.entries(annotations)) checkEqual(listed.annotations[key], value, `listed annotation ${key}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.stop-not-ready',
    title: 'A stopped pod sandbox is reported not ready',
    spec: spec('RuntimeService.StopPodSandbox', 'stops every process of the sandbox; the sandbox is no longer ready'),
    profile: 'core',
    operations: ['StopPodSandbox', 'PodSandboxStatus'],
    async run(ctx) {
      const pod = await runPod(ctx);
      await rt(ctx, 'StopPodSandbox', { podSandboxId: pod.id });
      const status = await sandboxStatus(ctx, pod.id);
      checkEqual(status.state, 'SANDBOX_NOTREADY', 'state after StopPodSandbox');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.remove',
    title: 'A removed pod sandbox is gone from status and listing',
    spec: spec('RuntimeService.RemovePodSandbox', 'removes the sandbox; PodSandboxStatus of an absent sandbox is an error'),
    profile: 'core',
    operations: ['RemovePodSandbox', 'PodSandboxStatus', 'ListPodSandbox'],
    async run(ctx) {
      const pod = await runPod(ctx);
      await rt(ctx, 'StopPodSandbox', { podSandboxId: pod.id });
      await rt(ctx, 'RemovePodSandbox', { podSandboxId: pod.id });
      await expectRpcError('PodSandboxStatus of a removed sandbox', () => rt(ctx, 'PodSandboxStatus', { podSandboxId: pod.id }), [grpc.status.NOT_FOUND]);
      const listed = await listPods(ctx, { id: pod.id });
      checkEqual(listed.length, 0, 'sandboxes listed by the removed id');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.duplicate-name',
    tags: ['Feature:DuplicateNames'],
    title: 'Running a second pod sandbox with the same metadata fails',
    spec: spec('RunPodSandbox', 'sandbox names (name, namespace, uid, attempt) are unique'),
    profile: 'extended',
    operations: ['RunPodSandbox'],
    async run(ctx) {
      const pod = await runPod(ctx);
      let secondId: string | undefined;
      try {
        secondId = (await rt<{ podSandboxId: string }>(ctx, 'RunPodSandbox', { config: pod.config, runtimeHandler: ctx.env.runtimeHandler })).podSandboxId;
      } catch {
        return;
      }
      ctx.ledger.add(`duplicate sandbox ${secondId}`, (signal) => removePod(ctx, secondId!, signal));
      check(secondId === pod.id, `RunPodSandbox with the metadata of ${pod.id} created a second sandbox ${secondId}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.list-filter-id',
    title: 'ListPodSandbox filters by id',
    spec: spec('PodSandboxFilter', 'id: only the sandbox with this id'),
    profile: 'core',
    operations: ['ListPodSandbox'],
    async run(ctx) {
      const a = await runPod(ctx);
      await runPod(ctx);
      const listed = await listPods(ctx, { id: a.id });
      checkEqual(listed.map((p) => p.id), [a.id], 'ids listed with filter id');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.list-filter-state',
    title: 'ListPodSandbox filters by ready and not-ready state',
    spec: spec('PodSandboxFilter', 'state: only sandboxes in this state'),
    profile: 'core',
    operations: ['ListPodSandbox', 'StopPodSandbox'],
    async run(ctx) {
      const group = { 'conformal.io/group': ctx.unique('group') };
      const ready = await runPod(ctx, { labels: group });
      const stopped = await runPod(ctx, { labels: group });
      await rt(ctx, 'StopPodSandbox', { podSandboxId: stopped.id });
      const readyIds = (await listPods(ctx, { labelSelector: group, state: { state: 'SANDBOX_READY' } })).map((p) => p.id);
      checkEqual(readyIds, [ready.id], 'sandboxes listed as SANDBOX_READY');
      const notReadyIds = (await listPods(ctx, { labelSelector: group, state: { state: 'SANDBOX_NOTREADY' } })).map((p) => p.id);
      checkEqual(notReadyIds, [stopped.id], 'sandboxes listed as SANDBOX_NOTREADY');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.list-filter-labels',
    title: 'ListPodSandbox filters by a label selector with every pair required',
    spec: spec('PodSandboxFilter', 'label_selector: all key-value pairs must match'),
    profile: 'core',
    operations: ['ListPodSandbox'],
    async run(ctx) {
      const group = ctx.unique('group');
      const both = await runPod(ctx, { labels: { 'conformal.io/group': group, color: 'blue' } });
      await runPod(ctx, { labels: { 'conformal.io/group': group, color: 'green' } });
      const listed = await listPods(ctx, { labelSelector: { 'conformal.io/group': group, color: 'blue' } });
      checkEqual(listed.map((p) => p.id), [both.id], 'sandboxes matching both labels');
      const all = await listPods(ctx, { labelSelector: { 'conformal.io/group': group } });
      checkEqual(all.length, 2, 'sandboxes matching the group label only');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.runtime-handler',
    tags: ['Feature:RuntimeHandler'],
    title: 'A pod sandbox records the runtime handler it was created with',
    spec: spec('PodSandboxStatus', 'runtime_handler is the handler given to RunPodSandbox'),
    profile: 'extended',
    requires: ['runtime.handler'],
    operations: ['RunPodSandbox', 'PodSandboxStatus'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const status = await sandboxStatus(ctx, pod.id);
      checkEqual(status.runtimeHandler, ctx.env.runtimeHandler, 'PodSandboxStatus.runtime_handler');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.missing-metadata',
    tags: ['Feature:RequestValidation'],
    title: 'RunPodSandbox without metadata is rejected',
    spec: spec('PodSandboxConfig', 'metadata is required to identify the sandbox'),
    profile: 'extended',
    operations: ['RunPodSandbox'],
    async run(ctx) {
      const config = podConfig(ctx);
      await expectRunPodRefused(ctx, { ...config, metadata: undefined as unknown as PodSandboxConfig['metadata'] }, ctx.env.runtimeHandler, 'without metadata');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.metadata-attempt',
    title: 'Pod sandbox status and listing return the metadata as given, attempt included',
    spec: spec('PodSandboxMetadata', 'attempt: the kubelet counts sandbox re-creations with it and reads it back from status and listing'),
    profile: 'core',
    operations: ['RunPodSandbox', 'PodSandboxStatus', 'ListPodSandbox'],
    async run(ctx) {
      // A non-zero attempt: 0 is also what a runtime that drops the field reports.
      const metadata = { name: ctx.unique('pod'), uid: ctx.unique('uid'), namespace: 'conformal', attempt: 3 };
      const pod = await runPod(ctx, { metadata });
      const status = await sandboxStatus(ctx, pod.id);
      checkEqual(metadataFields(status.metadata), metadata, 'PodSandboxStatus.metadata');
      const [listed] = await listPods(ctx, { id: pod.id });
      check(listed, 'ListPodSandbox by id did not return the sandbox');
      checkEqual(metadataFields(listed.metadata), metadata, 'listed metadata');
      check(listed.createdAt > 0, `listed created_at ${listed.createdAt} is not > 0`);
      checkEqual(listed.createdAt, status.createdAt, 'listed created_at against PodSandboxStatus.created_at');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.stop-stops-containers',
    title: 'Stopping a pod sandbox terminates its running containers',
    spec: spec('RuntimeService.StopPodSandbox', 'if there are any running containers in the sandbox, they must be forcibly terminated'),
    profile: 'core',
    operations: ['StopPodSandbox', 'ContainerStatus'],
    async run(ctx) {
      const { pod, container } = await runPodWithContainer(ctx);
      await rt(ctx, 'StopPodSandbox', { podSandboxId: pod.id });
      const status = await containerStatus(ctx, container.id);
      checkEqual(status.state, 'CONTAINER_EXITED', 'state of the container when StopPodSandbox has returned');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.remove-removes-containers',
    title: 'Removing a pod sandbox removes its containers, running ones included',
    spec: spec('RuntimeService.RemovePodSandbox', 'if there are any running containers in the sandbox, they must be forcibly terminated and removed'),
    profile: 'core',
    operations: ['RemovePodSandbox', 'ListContainers', 'ContainerStatus'],
    async run(ctx) {
      const { pod, container } = await runPodWithContainer(ctx);
      await rt(ctx, 'RemovePodSandbox', { podSandboxId: pod.id });
      checkEqual((await listContainers(ctx, { podSandboxId: pod.id })).map((c) => c.id), [], 'containers listed in the removed sandbox');
      await expectRpcError('ContainerStatus of a container of a removed sandbox', () => rt(ctx, 'ContainerStatus', { containerId: container.id }), [grpc.status.NOT_FOUND]);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.unknown-handler',
    tags: ['Feature:RequestValidation'],
    title: 'RunPodSandbox with a runtime handler the runtime does not have is rejected',
    spec: spec('RunPodSandboxRequest', 'runtime_handler: if the runtime handler is unknown, this request should be rejected'),
    profile: 'extended',
    operations: ['RunPodSandbox'],
    async run(ctx) {
      await expectRunPodRefused(ctx, podConfig(ctx), `conformal-unknown-${ctx.unique('handler')}`, 'with an unknown runtime handler');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.run-as-group-needs-user',
    title: 'A pod sandbox with run_as_group and no run_as_user is refused',
    spec: spec('LinuxSandboxSecurityContext', 'run_as_group should only be specified when run_as_user is specified; otherwise, the runtime MUST error'),
    profile: 'core',
    operations: ['RunPodSandbox'],
    async run(ctx) {
      const config = podConfig(ctx, { linux: { securityContext: { runAsGroup: { value: 5678 } } } });
      await expectRunPodRefused(ctx, config, ctx.env.runtimeHandler, 'with run_as_group and no run_as_user');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.sandbox.host-port-zero',
    title: 'A port mapping with host port 0 is accepted and allocates no host port',
    spec: spec('PortMapping.host_port', 'the value 0 indicates NO host port should be allocated; implementations MUST handle it'),
    profile: 'core',
    operations: ['RunPodSandbox', 'PodSandboxStatus'],
    async run(ctx) {
      const pod = await runPod(ctx, { portMappings: [{ protocol: 'TCP', containerPort: 8080, hostPort: 0 }] });
      checkEqual((await sandboxStatus(ctx, pod.id)).state, 'SANDBOX_READY', 'state of a sandbox with a host_port 0 mapping');
    },
  }),
];
