// Port mappings of the reference runtime: each host port is a loopback listener that forwards
// connections to the server a simulated process runs on the container port.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { PortMapping } from '../../interfaces/cri/types.js';

/** Only loopback addresses are ever bound: the reference never listens on a real interface. */
function loopbackHost(hostIp: string | undefined): string {
  if (!hostIp || hostIp === '0.0.0.0') return '127.0.0.1';
  if (hostIp === '::' || hostIp === '::1') return '::1';
  if (hostIp.startsWith('127.')) return hostIp;
  throw new Error(`host_ip ${hostIp} is not a loopback address; the reference runtime binds loopback only`);
}

/** Opens every TCP host port; `target(containerPort)` gives the loopback address and port serving it now. */
export async function openHostPorts(mappings: readonly PortMapping[], target: (containerPort: number) => { host: string; port: number } | undefined): Promise<() => Promise<void>> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const closeAll = async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  };
  try {
    for (const mapping of mappings) {
      if (!mapping.hostPort || (mapping.protocol ?? 'TCP') !== 'TCP') continue;
      const containerPort = mapping.containerPort ?? 0;
      const server = createServer((client) => {
        sockets.add(client);
        client.on('close', () => sockets.delete(client));
        const serving = target(containerPort);
        if (serving === undefined) return void client.destroy();
        const upstream = connect(serving.port, serving.host);
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(mapping.hostPort, loopbackHost(mapping.hostIp), () => resolve());
      });
      servers.push(server);
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return closeAll;
}
