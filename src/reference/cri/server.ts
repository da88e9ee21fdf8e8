// Starts the reference runtime: both CRI services on one gRPC server (a unix socket or TCP
// address) plus its loopback streaming server.
import { grpc, bindServer, shutdownServer } from '../../transport/grpc.js';
import { imageServiceClient, runtimeServiceClient } from '../../interfaces/cri/proto.js';
import type { CriFault } from './faults.js';
import { ImageStore, type RegistryMirrors } from './image-store.js';
import { ReferenceRuntime } from './runtime.js';
import { imageHandlers, runtimeHandlers } from './services.js';
import { StreamingServer } from './streaming-server.js';

export interface ReferenceRuntimeOptions {
  readonly endpoint: string;
  readonly faults?: Iterable<CriFault>;
  /** Registry host -> loopback host:port serving its images (offline runs of tools such as critest). */
  readonly registryMirrors?: RegistryMirrors;
}

export interface RunningReferenceRuntime {
  readonly address: string;
  readonly runtime: ReferenceRuntime;
  close(): Promise<void>;
}

export async function startReferenceRuntime(options: ReferenceRuntimeOptions): Promise<RunningReferenceRuntime> {
  const images = new ImageStore();
  const runtime = new ReferenceRuntime(images, new Set(options.faults ?? []));
  const streaming = new StreamingServer(runtime);
  await streaming.listen();
  const server = new grpc.Server();
  server.addService(runtimeServiceClient().service, runtimeHandlers(runtime, streaming, { podCidr: '' }));
  server.addService(imageServiceClient().service, imageHandlers(runtime, images, '/var/lib/conformal-reference/images', options.registryMirrors));
  const address = await bindServer(server, options.endpoint);
  return {
    address,
    runtime,
    async close() {
      // Kill every simulated process so no timer or listener outlives the server.
      for (const id of [...runtime.sandboxes.keys()]) await runtime.removeSandbox(id).catch(() => undefined);
      await shutdownServer(server);
      await streaming.close();
    },
  };
}
