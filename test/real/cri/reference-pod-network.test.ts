// The reference CRI runtime's pod network (src/reference/cri/pod-network.ts) with Debian's bridge,
// host-local and loopback plugins: the pod gets a namespace of its own with eth0 holding the address
// PodSandboxStatus reports, and StopPodSandbox/RemovePodSandbox give everything back (DEL once,
// namespace gone, address released). The plugins run inside a network namespace the test makes,
// as the runtime runs inside the cluster's; the bridge is made there, never on the host.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealNetns, runIp, type Namespace } from '../../../src/interfaces/cni/netns.js';
import type { PodSandboxConfig } from '../../../src/interfaces/cri/types.js';
import { ImageStore } from '../../../src/reference/cri/image-store.js';
import { PodNetwork, type PodAttachment } from '../../../src/reference/cri/pod-network.js';
import { ReferenceRuntime } from '../../../src/reference/cri/runtime.js';
import { requireTool } from '../../support/real-tools.js';

const pluginsDir = requireTool('CONFORMAL_CNI_PLUGINS_DIR');
const isRoot = process.getuid?.() === 0;
if (process.env.CI === 'true' && !isRoot) throw new Error('the reference pod network test needs root under CI');

const SUBNET_PREFIX = '10.250.7.';
const NETWORK = 'conformal-pods';
const signal = () => AbortSignal.timeout(30_000);

/** A pod of this test, unique by name. */
function podConfig(name: string): PodSandboxConfig {
  return { metadata: { name, namespace: 'default', uid: `uid-${name}`, attempt: 0 }, linux: {} } as PodSandboxConfig;
}

/** A PodNetwork whose DEL is never run: the fault the leak check below must catch. */
class SkipsDel extends PodNetwork {
  override async tearDown(pod: PodAttachment): Promise<void> {
    await new RealNetns().remove(pod.netns, signal());
  }
}

describe.skipIf(!pluginsDir || !isRoot)('the reference CRI runtime runs the CNI configuration for each pod (Debian bridge plugin)', () => {
  const id = `${process.pid}`;
  const netns = new RealNetns();
  let node: Namespace;
  let dir: string;
  let ipamDir: string;
  const settings = () => ({
    confDir: join(dir, 'net.d'),
    binDir: pluginsDir!,
    cacheDir: join(dir, 'cache'),
    // The plugins run where the runtime would: inside the node's network namespace.
    pluginLauncher: ['nsenter', `--net=${node.path}`, '--'],
    netnsPrefix: `conformal-crinet-${id}-`,
  });
  /** What a pod's network can leave behind: its namespace, its cached result, its leased address. */
  const leftovers = (network: PodNetwork, pod: PodAttachment): string[] => [
    ...(existsSync(pod.netns.path) ? [`namespace ${pod.netns.path}`] : []),
    ...network.attached().filter((a) => a.includes(`/${pod.attachment.containerID}/`)).map((a) => `cached attachment ${a}`),
    ...(existsSync(join(ipamDir, NETWORK)) ? readdirSync(join(ipamDir, NETWORK)) : []).filter((f) => f === pod.ip).map((f) => `leased address ${f}`),
  ];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conformal-crinet-'));
    ipamDir = join(dir, 'ipam');
    node = await netns.create(`conformal-crinet-${id}-node`, signal());
    await runIp(['-n', node.name, 'link', 'set', 'lo', 'up'], signal());
    const plugins = [
      { type: 'bridge', bridge: `crn${id.slice(-8)}`, isGateway: true, ipMasq: false, ipam: { type: 'host-local', dataDir: ipamDir, ranges: [[{ subnet: `${SUBNET_PREFIX}0/24` }]], routes: [{ dst: '0.0.0.0/0' }] } },
      { type: 'loopback' },
    ];
    mkdirSync(join(dir, 'net.d'));
    writeFileSync(join(dir, 'net.d', '10-pods.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: NETWORK, plugins }));
  });

  afterAll(async () => {
    // Removing the node's namespace takes the bridge and every veth with it; pod namespaces left by a failing test go too.
    const pods = existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(`conformal-crinet-${id}-`)) : [];
    for (const name of pods) await netns.remove({ name, path: `/run/netns/${name}` }, signal()).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the pod eth0 with the address the sandbox reports; Stop runs DEL once, Remove finds nothing left', async () => {
    const runtime = new ReferenceRuntime(new ImageStore(), new Set(), dir, new PodNetwork(settings()));
    const sandbox = runtime.runSandbox(podConfig(`pod-${id}-a`), '');
    await runtime.attachNetwork(sandbox, signal());
    const pod = sandbox.network!;
    expect(pod.ip.startsWith(SUBNET_PREFIX), pod.ip).toBe(true);
    expect(pod.ip).not.toBe(`${SUBNET_PREFIX}1`); // the bridge's (gateway) address
    const inPod = await netns.inspect(pod.netns, signal());
    expect(inPod.links.find((l) => l.name === 'eth0')?.addresses.filter((a) => !a.includes(':'))).toEqual([`${pod.ip}/24`]);
    expect(inPod.links.find((l) => l.name === 'lo')?.addresses).toContain('127.0.0.1/8');
    // The node reaches it over the bridge.
    await runIp(['-n', node.name, 'route', 'get', pod.ip], signal());
    expect(leftovers(runtime.podNetwork!, pod)).toEqual([`namespace ${pod.netns.path}`, `cached attachment ${NETWORK}/${sandbox.id}/eth0`, `leased address ${pod.ip}`]);

    await runtime.stopSandbox(sandbox.id);
    expect(sandbox.network).toBeUndefined();
    expect(leftovers(runtime.podNetwork!, pod)).toEqual([]);
    // Stop again and Remove: nothing to tear down, no error.
    await runtime.stopSandbox(sandbox.id);
    await runtime.removeSandbox(sandbox.id);
    expect(runtime.sandboxes.size).toBe(0);
  });

  it('RemovePodSandbox without a Stop tears the network down too', async () => {
    const runtime = new ReferenceRuntime(new ImageStore(), new Set(), dir, new PodNetwork(settings()));
    const sandbox = runtime.runSandbox(podConfig(`pod-${id}-b`), '');
    await runtime.attachNetwork(sandbox, signal());
    const pod = sandbox.network!;
    await runtime.removeSandbox(sandbox.id);
    expect(leftovers(runtime.podNetwork!, pod)).toEqual([]);
  });

  it('a failing ADD fails RunPodSandbox and leaves no sandbox, namespace or address', async () => {
    const broken = join(dir, 'broken.d');
    mkdirSync(broken);
    writeFileSync(join(broken, '10-pods.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: NETWORK, plugins: [{ type: 'loopback' }, { type: 'conformal-no-such-plugin' }] }));
    const runtime = new ReferenceRuntime(new ImageStore(), new Set(), dir, new PodNetwork({ ...settings(), confDir: broken }));
    const before = readdirSync('/run/netns').filter((n) => n.startsWith(`conformal-crinet-${id}-`));
    const sandbox = runtime.runSandbox(podConfig(`pod-${id}-c`), '');
    await expect(runtime.attachNetwork(sandbox, signal())).rejects.toThrow(/failed to set up the network of sandbox .*conformal-no-such-plugin/);
    expect(runtime.sandboxes.size).toBe(0);
    expect(readdirSync('/run/netns').filter((n) => n.startsWith(`conformal-crinet-${id}-`))).toEqual(before);
  });

  it('catches a runtime that never runs DEL: the leased address and the cached attachment stay', async () => {
    const faulty = new SkipsDel(settings());
    const runtime = new ReferenceRuntime(new ImageStore(), new Set(), dir, faulty);
    const sandbox = runtime.runSandbox(podConfig(`pod-${id}-d`), '');
    await runtime.attachNetwork(sandbox, signal());
    const pod = sandbox.network!;
    await runtime.removeSandbox(sandbox.id);
    expect(leftovers(faulty, pod)).toEqual([`cached attachment ${NETWORK}/${sandbox.id}/eth0`, `leased address ${pod.ip}`]);
    // Give the address back for the tests after this one.
    await PodNetwork.prototype.tearDown.call(faulty, { ...pod, netns: await netns.create(pod.netns.name, signal()) }, podConfig(`pod-${id}-d`), signal());
    expect(leftovers(faulty, pod)).toEqual([]);
  });
});
