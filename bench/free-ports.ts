// Loopback ports for tools that must be told theirs up front (etcd, kube-apiserver, Traefik's entry
// points, the Cluster API managers). A port the kernel hands out for port 0 comes from the ephemeral
// range, which outgoing connections draw from too: between our check and the tool's bind, a busy
// run's connection can take it (CI once saw a Traefik entry point fail with "address already in
// use"). So ports are picked below that range, where only explicit binds land.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** Lowest port handed out: above the registered services' usual ports. */
const LOWEST = 10_000;
/** Linux's default ip_local_port_range starts here. */
const DEFAULT_EPHEMERAL_START = 32_768;

/** The first port of the kernel's ephemeral range (Linux), or the default where it cannot be read. */
export function ephemeralStart(rangeFile = '/proc/sys/net/ipv4/ip_local_port_range'): number {
  try {
    const low = Number(readFileSync(rangeFile, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : DEFAULT_EPHEMERAL_START;
  } catch {
    return DEFAULT_EPHEMERAL_START;
  }
}

function listenOn(port: number, host: string): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

/**
 * `count` distinct ports free on `host`, below the ephemeral range, each checked by binding it.
 * All are held until every one is found, so none is handed out twice.
 */
export async function freePorts(count: number, host = '127.0.0.1', below = ephemeralStart()): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    for (let tries = 0; ports.length < count; tries++) {
      if (tries >= count * 100) throw new Error(`found ${ports.length} of ${count} free ports on ${host} between ${LOWEST} and ${below - 1}`);
      const port = LOWEST + Math.floor(Math.random() * (below - LOWEST));
      if (ports.includes(port)) continue;
      const server = await listenOn(port, host);
      if (!server) continue;
      held.push(server);
      ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
