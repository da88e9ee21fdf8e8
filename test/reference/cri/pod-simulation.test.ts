// What the reference runtime simulates for CRI test tools: pod addresses on loopback with servers
// really listening there, pulls through a registry mirror, OOM kills, recursive read-only mounts,
// the cAdvisor metric families, sysctls.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CriClient } from '../../../src/interfaces/cri/client.js';
import { startReferenceRuntime, type RunningReferenceRuntime } from '../../../src/reference/cri/server.js';
import { buildImage, layerOf, tarDirectory } from '../../../src/registry/oci-image.js';
import { busyboxRootfsLayer, findBusybox, startTestImageRegistry, type TestImageRegistry } from '../../../src/registry/test-image-set.js';
import { grpc } from '../../../src/transport/grpc.js';

describe('reference CRI runtime: simulated pods', () => {
  let dir: string;
  let registry: TestImageRegistry;
  let server: RunningReferenceRuntime;
  let client: CriClient;
  const image = 'gcr.io/conformal/busybox:1.0';
  let n = 0;
  const rt = <T,>(name: string, request: object) => client.runtime<T>(name, request, AbortSignal.timeout(10_000));
  const pod = async (extra: object = {}) => {
    const config = { metadata: { name: `p${++n}`, uid: `u${n}`, namespace: 'ns', attempt: 0 }, ...extra };
    const { podSandboxId } = await rt<{ podSandboxId: string }>('RunPodSandbox', { config });
    return { podSandboxId, config };
  };
  const container = async (p: { podSandboxId: string; config: object }, config: object) => {
    const { containerId } = await rt<{ containerId: string }>('CreateContainer', { podSandboxId: p.podSandboxId, config: { metadata: { name: `c${++n}` }, image: { image }, ...config }, sandboxConfig: p.config });
    return containerId;
  };
  const status = async (containerId: string) => (await rt<{ status: { state: string; reason: string; exitCode: number } }>('ContainerStatus', { containerId })).status;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cri-ref-sim-'));
    registry = await startTestImageRegistry();
    // Images named gcr.io/… come from the loopback registry (through its unix socket): the mirror keeps their names.
    await registry.registry.listenUnix(join(dir, 'registry.sock'));
    server = await startReferenceRuntime({ endpoint: `unix://${join(dir, 'cri.sock')}`, registryMirrors: new Map([['gcr.io', `unix://${join(dir, 'registry.sock')}`]]) });
    client = new CriClient({ runtimeEndpoint: server.address });
    await client.connect(5000);
    const { imageRef } = await client.image<{ imageRef: string }>('PullImage', { image: { image } }, AbortSignal.timeout(10_000));
    const listed = await client.image<{ images: Array<{ id: string; repoTags: string[] }> }>('ListImages', {}, AbortSignal.timeout(5000));
    expect(listed.images.find((i) => i.id === imageRef)?.repoTags).toEqual([image]);
  });
  afterAll(async () => {
    client.close();
    await server.close();
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives each pod a loopback address where its servers really listen', async () => {
    const p = await pod();
    const id = await container(p, { command: ['httpd', '-f', '-p', '18080', '-h', '/www'] });
    await rt('StartContainer', { containerId: id });
    const { status: sandbox } = await rt<{ status: { network: { ip: string } } }>('PodSandboxStatus', { podSandboxId: p.podSandboxId });
    expect(sandbox.network.ip).toMatch(/^127\.88\.\d+\.\d+$/);
    const response = await fetch(`http://${sandbox.network.ip}:18080/`, { signal: AbortSignal.timeout(5000) });
    expect(await response.text()).toBe('conformal test image\n');
    await rt('StopPodSandbox', { podSandboxId: p.podSandboxId });
    await rt('RemovePodSandbox', { podSandboxId: p.podSandboxId });
  });

  it('ends a container that allocates more than its memory limit as OOMKilled with 137', async () => {
    const p = await pod();
    const id = await container(p, { command: ['sh', '-c', 'dd if=/dev/zero of=/dev/null bs=20M'], linux: { resources: { memoryLimitInBytes: 15 << 20 } } });
    await rt('StartContainer', { containerId: id });
    await expect.poll(async () => (await status(id)).state, { timeout: 5000 }).toBe('CONTAINER_EXITED');
    expect(await status(id)).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('claims recursive read-only mounts and refuses them unless read-only and private', async () => {
    const { runtimeHandlers } = await rt<{ runtimeHandlers: Array<{ features: { recursiveReadOnlyMounts: boolean } }> }>('Status', {});
    expect(runtimeHandlers.every((h) => h.features.recursiveReadOnlyMounts)).toBe(true);
    const p = await pod();
    const mount = { containerPath: '/mnt', hostPath: dir, readonly: true, recursiveReadOnly: true };
    await expect(container(p, { mounts: [{ ...mount, readonly: false }] })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    await expect(container(p, { mounts: [{ ...mount, propagation: 'PROPAGATION_HOST_TO_CONTAINER' }] })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    const id = await container(p, { command: ['sleep', '60'], mounts: [mount] });
    await rt('StartContainer', { containerId: id });
    const touched = await rt<{ stderr: Buffer; exitCode: number }>('ExecSync', { containerId: id, cmd: ['touch', '/mnt/f'], timeout: 5 });
    expect(touched.exitCode).toBe(1);
    expect(Buffer.from(touched.stderr).toString()).toContain('Read-only file system');
  });

  it('shows the sandbox sysctls under /proc/sys and labels every metric as its descriptor says', async () => {
    const p = await pod({ linux: { sysctls: { 'kernel.shm_rmid_forced': '1' } } });
    const id = await container(p, { command: ['top'] });
    await rt('StartContainer', { containerId: id });
    const read = await rt<{ stdout: Buffer }>('ExecSync', { containerId: id, cmd: ['cat', '/proc/sys/kernel/shm_rmid_forced'], timeout: 5 });
    expect(Buffer.from(read.stdout).toString()).toBe('1\n');
    const { descriptors } = await rt<{ descriptors: Array<{ name: string; labelKeys: string[] }> }>('ListMetricDescriptors', {});
    const keys = new Map(descriptors.map((d) => [d.name, d.labelKeys.length]));
    expect(keys.has('container_memory_working_set_bytes') && keys.has('container_oom_events_total')).toBe(true);
    const { podMetrics } = await rt<{ podMetrics: Array<{ podSandboxId: string; containerMetrics: Array<{ metrics: Array<{ name: string; labelValues: string[] }> }> }> }>('ListPodSandboxMetrics', {});
    const metrics = podMetrics.find((m) => m.podSandboxId === p.podSandboxId)!.containerMetrics.flatMap((c) => c.metrics);
    expect(metrics.length).toBe(descriptors.length);
    for (const metric of metrics) expect(metric.labelValues.length, metric.name).toBe(keys.get(metric.name));
  });

  it('adds the groups the image gives the user unless the policy is Strict, and reports the user in ContainerStatus', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cri-ref-groups-'));
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\ndefault-user:x:1000:1000::/home:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\ndefault-user:x:1000:\ngroup-defined-in-image:x:50000:default-user\n');
    registry.registry.push('conformal/groups', '1.0', buildImage([await busyboxRootfsLayer(findBusybox()), layerOf(await tarDirectory(root))], { cmd: ['sh'] }));
    rmSync(root, { recursive: true, force: true });
    const groupsImage = 'gcr.io/conformal/groups:1.0';
    await client.image('PullImage', { image: { image: groupsImage } }, AbortSignal.timeout(10_000));
    const p = await pod();
    for (const [policy, expected] of [['Merge', [1000, 1234, 50000]], ['Strict', [1000, 1234]]] as const) {
      const id = await container(p, { image: { image: groupsImage }, command: ['sleep', '60'], linux: { securityContext: { runAsUser: { value: 1000 }, supplementalGroups: [1234], supplementalGroupsPolicy: policy } } });
      await rt('StartContainer', { containerId: id });
      const { status } = await rt<{ status: { user: { linux: { uid: number; gid: number; supplementalGroups: number[] } } } }>('ContainerStatus', { containerId: id });
      expect(status.user.linux, policy).toEqual({ uid: 1000, gid: 1000, supplementalGroups: [...expected] });
      const groups = await rt<{ stdout: Buffer }>('ExecSync', { containerId: id, cmd: ['id', '-G'], timeout: 5 });
      expect(Buffer.from(groups.stdout).toString(), policy).toBe(`${expected.join(' ')}\n`);
    }
  });

  it('runs only what the image has: a missing program fails StartContainer with StartError and ExecSync with an error', async () => {
    const p = await pod();
    const missing = await container(p, { command: ['no-such-program'] });
    await expect(rt('StartContainer', { containerId: missing })).rejects.toMatchObject({ code: grpc.status.UNKNOWN });
    expect(await status(missing)).toMatchObject({ state: 'CONTAINER_EXITED', reason: 'StartError', exitCode: 128 });
    const running = await container(p, { command: ['sleep', '60'] });
    await rt('StartContainer', { containerId: running });
    await expect(rt('ExecSync', { containerId: running, cmd: ['ipcs', '-m'], timeout: 5 })).rejects.toThrow(/executable file not found/);
    const shell = await rt<{ exitCode: number; stderr: Buffer }>('ExecSync', { containerId: running, cmd: ['sh', '-c', 'ipcs -m'], timeout: 5 });
    expect(shell.exitCode).toBe(127);
    expect(Buffer.from(shell.stderr).toString()).toBe('sh: ipcs: not found\n');
  });
});
