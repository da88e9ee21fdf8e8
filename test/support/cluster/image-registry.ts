// The test images, from conformal's own loopback OCI registry (busybox, the pause image), made
// reachable inside the cluster's network namespace without leaving loopback: the registry serves a
// unix socket too, and a forwarder inside the namespace listens on the namespace's 127.0.0.1 at the
// registry's port, so image names (127.0.0.1:PORT/conformal/...) mean the same on both sides.
import { join } from 'node:path';
import { startTestImageRegistry, type TestImageRegistry } from '../../../src/registry/test-image-set.js';
import type { Component } from './component.js';
import { startForwarder } from './forward.js';

export interface ClusterImageRegistry {
  readonly images: TestImageRegistry['images'];
  readonly registry: TestImageRegistry['registry'];
  /** host:port, the same inside the namespace and on the host. */
  readonly host: string;
  readonly socket: string;
  close(): Promise<void>;
}

export async function startClusterImageRegistry(options: { busybox: string; dir: string; enter(argv: readonly string[]): string[]; signal: AbortSignal }): Promise<ClusterImageRegistry> {
  const served = await startTestImageRegistry({ busybox: options.busybox });
  let forwarder: Component | undefined;
  try {
    const socket = join(options.dir, 'registry.sock');
    await served.registry.listenUnix(socket);
    const host = served.registry.host;
    const port = host.split(':').pop()!;
    forwarder = (await startForwarder('registry forwarder', `127.0.0.1:${port}`, socket, options.enter, options.signal)).forwarder;
    const running = forwarder;
    return {
      images: served.images,
      registry: served.registry,
      host,
      socket,
      async close() {
        await running.stop();
        await served.close();
      },
    };
  } catch (error) {
    await forwarder?.stop();
    await served.close();
    throw error;
  }
}
