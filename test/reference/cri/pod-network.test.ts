import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PodSandboxConfig } from '../../../src/interfaces/cri/types.js';
import { loadFirstNetwork, podAddresses, podCapabilityArgs, podCniArgs } from '../../../src/reference/cri/pod-network.js';

const config: PodSandboxConfig = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', attempt: 0 },
  portMappings: [
    { containerPort: 80, hostPort: 8080, protocol: 'TCP' },
    { containerPort: 53, hostPort: 0, protocol: 'UDP' },
  ],
  dnsConfig: { servers: ['10.96.0.10'], searches: ['shop.svc.cluster.local'], options: ['ndots:5'] },
  linux: { cgroupParent: '/kubepods/pod-u-1' },
} as PodSandboxConfig;

describe('the reference CRI runtime as a CNI runtime', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('uses the first configuration of the conf dir by name, as containerd does, and names the dir when it has none', () => {
    dir = mkdtempSync(join(tmpdir(), 'conformal-pod-network-'));
    expect(() => loadFirstNetwork(dir!)).toThrow(/no CNI network configuration .* in /);
    writeFileSync(join(dir, 'README'), 'not a config');
    writeFileSync(join(dir, '20-second.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'second', plugins: [{ type: 'bridge' }] }));
    writeFileSync(join(dir, '10-first.conf'), JSON.stringify({ cniVersion: '0.4.0', name: 'first', type: 'ptp' }));
    const network = loadFirstNetwork(dir);
    expect(network.name).toBe('first');
    expect(network.plugins.map((p) => p.type)).toEqual(['ptp']);
  });

  it('sets CNI_ARGS and the capability arguments as containerd does (host port 0 is no mapping)', () => {
    expect(podCniArgs('abc', config)).toBe('IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=u-1');
    expect(podCapabilityArgs(config)).toEqual({
      portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '' }],
      dns: { servers: ['10.96.0.10'], searches: ['shop.svc.cluster.local'], options: ['ndots:5'] },
      cgroupPath: '/kubepods/pod-u-1',
    });
  });

  it("reports eth0's addresses in the pod, IPv4 first, not the bridge's or the host side's", () => {
    const result = {
      cniVersion: '1.0.0',
      interfaces: [{ name: 'cni0' }, { name: 'veth1' }, { name: 'eth0', sandbox: '/run/netns/cni-1' }],
      ips: [
        { address: 'fd00::5/64', interface: 2 },
        { address: '10.244.0.1/24', interface: 0 },
        { address: '10.244.0.5/24', interface: 2, gateway: '10.244.0.1' },
      ],
    };
    expect(podAddresses(result)).toEqual(['10.244.0.5', 'fd00::5']);
    // An address the result ties to no interface is the pod's (IPAM-only chains).
    expect(podAddresses({ ips: [{ address: '10.1.0.7/16' }] })).toEqual(['10.1.0.7']);
    expect(podAddresses({})).toEqual([]);
  });
});
