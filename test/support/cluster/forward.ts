// Byte pipes across the cluster's network namespace without leaving loopback (loopback-forward.mjs):
// into it (the test image registry, served on the host) and out of it (a port something listens on
// inside the namespace, e.g. the cloud-control endpoint of a CCM started there).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startComponent, type Component } from './component.js';

const FORWARDER = fileURLToPath(new URL('./loopback-forward.mjs', import.meta.url));

/** Starts loopback-forward.mjs (argv wrapped by `wrap`, e.g. to enter the namespaces); resolves with it and where it listens. */
export async function startForwarder(name: string, listen: string, target: string, wrap: (argv: readonly string[]) => string[], signal: AbortSignal): Promise<{ forwarder: Component; address: string }> {
  const forwarder = startComponent(name, wrap([process.execPath, FORWARDER, listen, target]));
  try {
    const address = await forwarder.until(async () => /^listening (\S+)$/m.exec(forwarder.log())?.[1], `listening on ${listen}`, signal);
    return { forwarder, address };
  } catch (error) {
    await forwarder.stop();
    throw error;
  }
}

export interface NamespacePort {
  /** http://127.0.0.1:PORT on the host's loopback. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * 127.0.0.1:`port` (or `host`:`port`, an address of the namespace such as the node's) inside the
 * namespace, reachable from the host's loopback: a forwarder inside accepts on a unix socket in
 * `dir` (under the state dir, seen from both sides) and connects to the port; one on the host
 * listens on a free port of 127.0.0.1 and connects to the socket.
 */
export async function forwardFromNamespace(options: { port: number; host?: string; dir: string; enter(argv: readonly string[]): string[]; signal: AbortSignal }): Promise<NamespacePort> {
  const host = options.host ?? '127.0.0.1';
  const socket = join(options.dir, `forward-${host}-${options.port}.sock`);
  const inside = await startForwarder(`forwarder to ${host}:${options.port} in the namespace`, socket, `${host}:${options.port}`, options.enter, options.signal);
  try {
    const outside = await startForwarder(`forwarder on the host to ${socket}`, '127.0.0.1:0', socket, (argv) => [...argv], options.signal);
    return {
      url: `http://${outside.address}`,
      async close() {
        await outside.forwarder.stop();
        await inside.forwarder.stop();
      },
    };
  } catch (error) {
    await inside.forwarder.stop();
    throw error;
  }
}
