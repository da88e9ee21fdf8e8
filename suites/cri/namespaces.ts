// Namespace modes (PID, network, IPC), DNS config, hostname.
import { readlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { hostname as nodeHostname } from 'node:os';
import { waitFor } from '../../src/core/deadline.js';
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, checkEqual, execSync, runContainer, runPod, runPodWithContainer, sandboxStatus, shell, waitForFileContent } from '../../src/interfaces/cri/kit.js';
import { spec } from './spec.js';

/** A loopback port free right now (the runtime binds it next). */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const namespaceTests = [
  defineTest<CriEnv>({
    id: 'cri.namespaces.pid-container',
    title: 'With a private PID namespace the container process is PID 1',
    spec: spec('NamespaceOption', 'pid CONTAINER: the container has its own PID namespace'),
    profile: 'core',
    operations: ['CreateContainer', 'ExecSync'],
    async run(ctx) {
      const { container } = await runPodWithContainer(ctx, { command: ['sh', '-c', 'echo $$ > /tmp/pid; sleep 3600'], linux: { securityContext: { namespaceOptions: { pid: 'CONTAINER' } } } });
      const pid = await waitForFileContent(ctx, container.id, '/tmp/pid', 'the container writing its PID');
      checkEqual(pid, '1', 'PID of the container process');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.namespaces.pid-pod',
    title: 'With a shared pod PID namespace the container process is not PID 1',
    spec: spec('NamespaceOption', 'pid POD: containers of the sandbox share one PID namespace'),
    profile: 'core',
    operations: ['RunPodSandbox', 'CreateContainer', 'ExecSync'],
    async run(ctx) {
      const pod = await runPod(ctx, { linux: { securityContext: { namespaceOptions: { pid: 'POD' } } } });
      const container = await runContainer(ctx, pod, { command: ['sh', '-c', 'echo $$ > /tmp/pid; sleep 3600'], linux: { securityContext: { namespaceOptions: { pid: 'POD' } } } });
      const pid = await waitForFileContent(ctx, container.id, '/tmp/pid', 'the container writing its PID');
      check(pid !== '1', 'the container process is PID 1 in a shared pod PID namespace');
    },
  }),
  ...(['ipc', 'pid'] as const).map((kind) =>
    defineTest<CriEnv>({
      id: `cri.namespaces.host-${kind}`,
      title: `A pod in the node ${kind.toUpperCase()} namespace shares it and a default pod does not`,
      spec: spec('NamespaceOption', `${kind} NODE: the sandbox uses the node ${kind.toUpperCase()} namespace; POD: its own`),
      profile: 'core',
      requires: ['node.local'],
      operations: ['RunPodSandbox', 'ExecSync'],
      async run(ctx) {
        const node = readlinkSync(`/proc/self/ns/${kind}`);
        const hostPod = await runPod(ctx, { linux: { securityContext: { namespaceOptions: { [kind]: 'NODE' } } } });
        const inHost = await runContainer(ctx, hostPod, { linux: { securityContext: { namespaceOptions: { [kind]: 'NODE' } } } });
        checkEqual(await shell(ctx, inHost.id, `readlink /proc/self/ns/${kind}`), node, `${kind} namespace of a container in a node-${kind} pod`);
        const ownPod = await runPod(ctx);
        const inOwn = await runContainer(ctx, ownPod, { linux: { securityContext: { namespaceOptions: { [kind]: 'POD' } } } });
        const own = await shell(ctx, inOwn.id, `readlink /proc/self/ns/${kind}`);
        check(own !== node && /^\w+:\[\d+\]$/.test(own), `${kind} namespace of a default pod is ${own}, expected a private one (node: ${node})`);
      },
    }),
  ),
  defineTest<CriEnv>({
    id: 'cri.namespaces.sandbox-status',
    tags: ['Feature:SandboxStatusNamespaces'],
    title: 'PodSandboxStatus reports the namespace modes it was created with',
    spec: spec('LinuxPodSandboxStatus', 'namespaces.options reflects the sandbox namespace options'),
    profile: 'extended',
    operations: ['PodSandboxStatus'],
    async run(ctx) {
      const pod = await runPod(ctx, { linux: { securityContext: { namespaceOptions: { pid: 'POD', ipc: 'POD', network: 'POD' } } } });
      const status = await sandboxStatus(ctx, pod.id);
      const options = status.linux?.namespaces?.options;
      check(options, 'PodSandboxStatus has no linux.namespaces.options');
      checkEqual(options.pid, 'POD', 'pid mode');
      checkEqual(options.network, 'POD', 'network mode');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.namespaces.host-network',
    title: 'A host-network pod sees the node hostname',
    spec: spec('NamespaceOption', 'network NODE: the sandbox uses the node network namespace'),
    profile: 'core',
    requires: ['node.local'],
    tags: ['Feature:HostNetwork'],
    operations: ['RunPodSandbox', 'ExecSync'],
    async run(ctx) {
      const pod = await runPod(ctx, { linux: { securityContext: { namespaceOptions: { network: 'NODE' } } } });
      const container = await runContainer(ctx, pod);
      checkEqual(await shell(ctx, container.id, 'hostname'), nodeHostname(), 'hostname in a host-network pod');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.network.hostname',
    title: 'The sandbox hostname is the container hostname',
    spec: spec('PodSandboxConfig', 'hostname of the sandbox'),
    profile: 'core',
    operations: ['RunPodSandbox', 'ExecSync'],
    async run(ctx) {
      const wanted = ctx.unique('host').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 60);
      const pod = await runPod(ctx, { hostname: wanted });
      const container = await runContainer(ctx, pod);
      checkEqual(await shell(ctx, container.id, 'hostname'), wanted, 'hostname in the container');
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.network.dns-config',
    title: 'DNS servers, searches and options reach resolv.conf',
    spec: spec('DNSConfig', 'servers, searches and options are written to the container resolv.conf'),
    profile: 'core',
    operations: ['RunPodSandbox', 'ExecSync'],
    async run(ctx) {
      // Documentation-range addresses: written to a file, never contacted.
      const dnsConfig = { servers: ['192.0.2.53'], searches: ['conformal.example'], options: ['ndots:3'] };
      const pod = await runPod(ctx, { dnsConfig });
      const container = await runContainer(ctx, pod);
      const resolv = await shell(ctx, container.id, 'cat /etc/resolv.conf');
      check(/^nameserver 192\.0\.2\.53$/m.test(resolv), `resolv.conf lacks the nameserver: ${resolv}`);
      check(/^search .*conformal\.example/m.test(resolv), `resolv.conf lacks the search domain: ${resolv}`);
      check(/^options .*ndots:3/m.test(resolv), `resolv.conf lacks the options: ${resolv}`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.network.host-port',
    tags: ['Feature:HostPort'],
    title: 'A hostPort mapping on 127.0.0.1 reaches a server in the pod',
    spec: spec('PortMapping', 'host_port on host_ip forwards to container_port of the sandbox'),
    profile: 'extended',
    requires: ['network.host-port'],
    operations: ['RunPodSandbox'],
    async run(ctx) {
      const hostPort = await freeLoopbackPort();
      const pod = await runPod(ctx, { portMappings: [{ protocol: 'TCP', containerPort: 8080, hostPort, hostIp: '127.0.0.1' }] });
      const marker = ctx.unique('mapped');
      await runContainer(ctx, pod, { command: ['sh', '-c', `mkdir -p /tmp/www && echo ${marker} > /tmp/www/index.html && httpd -f -p 8080 -h /tmp/www`] });
      const body = await waitFor(
        async () => {
          const response = await fetch(`http://127.0.0.1:${hostPort}/index.html`, { signal: ctx.signal }).catch(() => undefined);
          const text = response ? await response.text() : '';
          return text.includes(marker) ? text : undefined;
        },
        { signal: ctx.signal, description: `an HTTP answer on 127.0.0.1:${hostPort}`, intervalMs: 200, timeoutMs: 15_000 },
      );
      check(body.includes(marker), `127.0.0.1:${hostPort} answered without the marker`);
    },
  }),
  defineTest<CriEnv>({
    id: 'cri.network.pod-ip',
    title: 'A pod sandbox on the pod network reports an IP address',
    spec: spec('PodSandboxNetworkStatus', 'ip of the sandbox on the pod network'),
    profile: 'core',
    operations: ['RunPodSandbox', 'PodSandboxStatus'],
    async run(ctx) {
      const pod = await runPod(ctx);
      const status = await sandboxStatus(ctx, pod.id);
      const ip = status.network?.ip ?? '';
      check(/^\d+\.\d+\.\d+\.\d+$|:/.test(ip), `PodSandboxStatus.network.ip ${JSON.stringify(ip)} is not an IP address`);
    },
  }),
];
