// Starts the reference runtime: both CRI services on one gRPC server (a unix socket or TCP
// address) plus its loopback streaming server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { grpc, bindServer, parseEndpoint, shutdownServer } from '../../transport/grpc.js';
import { imageServiceClient, runtimeServiceClient } from '../../interfaces/cri/proto.js';
import type { CriFault } from './faults.js';
import { ImageStore, type RegistryMirrors } from './image-store.js';
import { PodNetwork } from './pod-network.js';
import { ReferenceRuntime } from './runtime.js';
import { imageHandlers, runtimeHandlers } from './services.js';
import { StreamingServer } from './streaming-server.js';

export interface ReferenceRuntimeOptions {
  readonly endpoint: string;
  readonly faults?: Iterable<CriFault>;
  /** Registry host -> loopback host:port serving its images (offline runs of tools such as critest). */
  readonly registryMirrors?: RegistryMirrors;
  /** The directory reported as the image and container filesystem (default: the socket's directory, or the temp dir for TCP). */
  readonly fsRoot?: string;
  /**
   * Run this CNI configuration for every pod not on the node's network, as containerd does: a
   * network namespace per pod (`ip netns add`, root), ADD on RunPodSandbox, DEL on Stop/Remove.
   * Without it, pods get a loopback address of their own.
   */
  readonly cni?: { readonly confDir: string; readonly binDir: string };
}

export interface RunningReferenceRuntime {
  readonly address: string;
  readonly runtime: ReferenceRuntime;
  close(): Promise<void>;
}

export async function startReferenceRuntime(options: ReferenceRuntimeOptions): Promise<RunningReferenceRuntime> {
  const images = new ImageStore();
  // The socket's directory exists on the node and belongs to whoever serves the runtime there.
  const socketPath = parseEndpoint(options.endpoint).socketPath;
  // DEL's prevResult: the cached ADD results, for as long as this server runs.
  const cniCache = options.cni ? mkdtempSync(join(tmpdir(), 'conformal-reference-cni-')) : undefined;
  const podNetwork = options.cni && cniCache ? new PodNetwork({ ...options.cni, cacheDir: cniCache }) : undefined;
  const runtime = new ReferenceRuntime(images, new Set(options.faults ?? []), options.fsRoot ?? (socketPath ? dirname(socketPath) : tmpdir()), podNetwork);
  const streaming = new StreamingServer(runtime);
  await streaming.listen();
  const server = new grpc.Server();
  server.addService(runtimeServiceClient().service, runtimeHandlers(runtime, streaming, { podCidr: '' }));
  server.addService(imageServiceClient().service, imageHandlers(runtime, images, runtime.fsRoot, options.registryMirrors));
  const address = await bindServer(server, options.endpoint);
  return {
    address,
    runtime,
    async close() {
      // Kill every simulated process so no timer or listener outlives the server.
      for (const id of [...runtime.sandboxes.keys()]) await runtime.removeSandbox(id).catch(() => undefined);
      await shutdownServer(server);
      await streaming.close();
      if (cniCache) rmSync(cniCache, { recursive: true, force: true });
    },
  };
}
