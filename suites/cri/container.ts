// Container lifecycle, status, attributes and listing with every filter.
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, containerStatus, createContainer, execSync, expectRpcError, imageStatus, listContainers, pull, rt, runContainer, runPod, runPodWithContainer, stopContainer, waitForState } from '../../src/interfaces/cri/kit.js';
import { grpc } from '../../src/transport/grpc.js';
import { spec } from './spec.js';

export const containerTests = [
  defineTest<CriEnv>({
    id: 'cri.container.create',
    title: 'A created container is reported created with its metadata and image',
    spec: spec('RuntimeService.CreateContainer', 'creates a container in the sandbox; it is in the created state'),
    profile: 'core',
    operations: ['CreateContainer', 'ContainerStatus'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const container = await createContainer(ctx, pod);
      const status = await containerStatus(ctx, container.id);
      checkEqual(status.state, 'CONTAINER_CREATED', 'state after CreateContainer');
      checkEqual(status.metadata.name, container.config.metadata.name, 'metadata.name');
      check(status.createdAt > 0, 'created_at is not set');
      checkEqual(status.startedAt, 0, 'started_at of a container never started');
      check(status.imageRef !== '', 'image_ref is empty');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.image-id',
    title: "A container's image_id is the image_ref PullImage returned and the image's id",
    spec: spec('PullImageResponse', 'when referring to the same image, the runtime MUST always return the same value for Image.id, Container.image_id, ContainerStatus.image_id and PullImageResponse.image_ref'),
    profile: 'core',
    operations: ['PullImage', 'ImageStatus', 'CreateContainer', 'ContainerStatus', 'ListContainers'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const imageRef = await pull(ctx, ctx.env.images.busybox, pod);
      const image = await imageStatus(ctx, ctx.env.images.busybox);
      check(image, `ImageStatus(${ctx.env.images.busybox}) found nothing after the pull`);
      checkEqual(image.id, imageRef, 'Image.id against PullImageResponse.image_ref');
      const container = await createContainer(ctx, pod);
      checkEqual((await containerStatus(ctx, container.id)).imageId, imageRef, 'ContainerStatus.image_id against PullImageResponse.image_ref');
      const [listed] = await listContainers(ctx, { id: container.id });
      check(listed, 'ListContainers by id did not return the container');
      checkEqual(listed.imageId, imageRef, 'Container.image_id against PullImageResponse.image_ref');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.start',
    title: 'A started container is running with a start time',
    spec: spec('RuntimeService.StartContainer', 'starts the container; it is in the running state'),
    profile: 'core',
    operations: ['StartContainer', 'ContainerStatus'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      const status = await containerStatus(ctx, container.id);
      checkEqual(status.state, 'CONTAINER_RUNNING', 'state after StartContainer');
      check(status.startedAt >= status.createdAt && status.startedAt > 0, `started_at ${status.startedAt} is not after created_at ${status.createdAt}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.stop',
    title: 'A stopped container has exited with a finish time',
    spec: spec('RuntimeService.StopContainer', 'stops a running container within the grace period; it is in the exited state'),
    profile: 'core',
    operations: ['StopContainer', 'ContainerStatus'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      await stopContainer(ctx, container.id);
      const status = await containerStatus(ctx, container.id);
      checkEqual(status.state, 'CONTAINER_EXITED', 'state after StopContainer');
      check(status.finishedAt >= status.startedAt && status.finishedAt > 0, `finished_at ${status.finishedAt} is not after started_at ${status.startedAt}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.exit-code',
    title: 'A container that exits by itself reports its exit code',
    spec: spec('ContainerStatus', 'exit_code of an exited container is the exit code of its process'),
    profile: 'core',
    operations: ['StartContainer', 'ContainerStatus'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx, { command: ['sh', '-c', 'exit 3'] });
      const status = await waitForState(ctx, container.id, 'CONTAINER_EXITED');
      checkEqual(status.exitCode, 3, 'exit_code');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.remove-created',
    title: 'A created container can be removed',
    spec: spec('RuntimeService.RemoveContainer', 'removes the container; ContainerStatus of it is then an error'),
    profile: 'core',
    operations: ['RemoveContainer', 'ContainerStatus'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const container = await createContainer(ctx, pod);
      await rt(ctx, 'RemoveContainer', { containerId: container.id });
      await expectRpcError('ContainerStatus of a removed container', () => rt(ctx, 'ContainerStatus', { containerId: container.id }), [grpc.status.NOT_FOUND]);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.remove-running',
    title: 'A running container is forcibly removed',
    spec: spec('RuntimeService.RemoveContainer', 'a running container is forcibly removed'),
    profile: 'core',
    operations: ['RemoveContainer', 'ListContainers'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      await rt(ctx, 'RemoveContainer', { containerId: container.id });
      const listed = await listContainers(ctx, { id: container.id });
      checkEqual(listed.length, 0, 'containers listed by the removed id');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.remove-exited',
    title: 'An exited container can be removed',
    spec: spec('RuntimeService.RemoveContainer', 'removes the container and its resources'),
    profile: 'core',
    operations: ['StopContainer', 'RemoveContainer', 'ListContainers'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx);
      await stopContainer(ctx, container.id);
      await rt(ctx, 'RemoveContainer', { containerId: container.id });
      checkEqual((await listContainers(ctx, { id: container.id })).length, 0, 'containers listed by the removed id');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.labels-annotations',
    title: 'Container status and listing preserve labels and annotations',
    spec: spec('ContainerConfig', 'labels and annotations given at creation are returned unchanged'),
    profile: 'core',
    operations: ['CreateContainer', 'ContainerStatus', 'ListContainers'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const labels = { 'conformal.io/role': 'attributes', tier: 'backend' };
      const annotations = { 'conformal.io/note': 'kept as given', other: 'x=y' };
      const container = await createContainer(ctx, pod, { labels, annotations });
      const status = await containerStatus(ctx, container.id);
      const [listed] = await listContainers(ctx, { id: container.id });
      check(listed, 'ListContainers by id did not return the container');
      checkEqual(listed.podSandboxId, pod.id, 'listed pod_sandbox_id');
      for (const [key, value] of Object.entries(labels)) {
        checkEqual(status.labels[key], value, `status label ${key}`);
        checkEqual(listed.labels[key], value, `listed label ${key}`);
      }
      for (const [key, value] of Object.entries(annotations)) {
        checkEqual(status.annotations[key], value, `status annotation ${key}`);
        checkEqual(listed.annotations[key], value, `listed annotation ${key}`);
      }
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.list-filters',
    title: 'ListContainers filters by id, sandbox, state and labels',
    spec: spec('ContainerFilter', 'id, state, pod_sandbox_id and label_selector each narrow the list'),
    profile: 'core',
    operations: ['ListContainers'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const other = await runPod(ctx);
      const group = ctx.unique('group');
      const running = await runContainer(ctx, pod, { labels: { 'conformal.io/group': group, color: 'blue' } });
      const created = await createContainer(ctx, pod, { labels: { 'conformal.io/group': group, color: 'green' } });
      const elsewhere = await createContainer(ctx, other, { labels: { 'conformal.io/group': group, color: 'blue' } });
      const ids = async (filter: object) => (await listContainers(ctx, filter)).map((c) => c.id).sort();
      checkEqual(await ids({ id: running.id }), [running.id], 'filter id');
      checkEqual(await ids({ podSandboxId: pod.id }), [running.id, created.id].sort(), 'filter pod_sandbox_id');
      checkEqual(await ids({ podSandboxId: pod.id, state: { state: 'CONTAINER_RUNNING' } }), [running.id], 'filter state RUNNING');
      checkEqual(await ids({ podSandboxId: pod.id, state: { state: 'CONTAINER_CREATED' } }), [created.id], 'filter state CREATED');
      checkEqual(await ids({ labelSelector: { 'conformal.io/group': group, color: 'blue' } }), [running.id, elsewhere.id].sort(), 'filter labels');
      checkEqual(await ids({ podSandboxId: other.id, labelSelector: { color: 'blue' } }), [elsewhere.id], 'filter sandbox and labels');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.env',
    title: 'Environment variables from the config reach the container',
    spec: spec('ContainerConfig', 'envs are set in the container environment'),
    profile: 'core',
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx, { envs: [{ key: 'CONFORMAL_GREETING', value: 'hello from env' }] });
      const result = await execSync(ctx, container.id, ['env']);
      check(result.stdout.split('\n').includes('CONFORMAL_GREETING=hello from env'), `env output lacks CONFORMAL_GREETING: ${result.stdout.slice(0, 300)}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.create-in-missing-sandbox',
    tags: ['Feature:RequestValidation'],
    title: 'Creating a container in an unknown sandbox fails',
    spec: spec('RuntimeService.CreateContainer', 'the sandbox must exist'),
    profile: 'extended',
    operations: ['CreateContainer'],
    async run(ctx) {
      const pod = await runPod(ctx);
      await rt(ctx, 'StopPodSandbox', { podSandboxId: pod.id });
      await rt(ctx, 'RemovePodSandbox', { podSandboxId: pod.id });
      let id = '';
      try {
        id = (await createContainer(ctx, pod)).id;
      } catch {
        return;
      }
      check(false, `CreateContainer in removed sandbox ${pod.id} succeeded (container ${id})`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.container.duplicate-name',
    tags: ['Feature:DuplicateNames'],
    title: 'Creating a second container with the same metadata in a sandbox fails',
    spec: spec('ContainerConfig.metadata', 'this information will uniquely identify the container, and the runtime should leverage this to ensure correct operation'),
    profile: 'extended',
    operations: ['CreateContainer'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const first = await createContainer(ctx, pod);
      let secondId: string | undefined;
      try {
        secondId = (await rt<{ containerId: string }>(ctx, 'CreateContainer', { podSandboxId: pod.id, config: first.config, sandboxConfig: pod.config })).containerId;
      } catch {
        return;
      }
      ctx.ledger.add(`duplicate container ${secondId}`, (signal) => ctx.env.client.runtime('RemoveContainer', { containerId: secondId }, signal).then(() => undefined));
      check(secondId === first.id, `CreateContainer with the metadata of ${first.id} created a second container ${secondId}`);
    },
  }),
];
