// Serves the reference driver over gRPC (unix socket or TCP) with the repo's csi.proto.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../../core/paths.js';
import type { ReferenceServer } from '../../core/plugin.js';
import { bindServer, grpc, loadProto, lookup, shutdownServer } from '../../transport/grpc.js';
import { createCsiDriver, type CsiDriver } from './driver.js';
import type { CsiReferenceOptions } from './options.js';
import { CSI_SERVICES, STREAMING_RPCS, type CsiService } from './rpc.js';
import { CsiStatusError } from './status.js';

export const CSI_PROTO_PATH = packagePath('src/interfaces/csi/proto/csi.proto');

export interface StartCsiReferenceOptions extends CsiReferenceOptions {
  /** unix:///path, /path, tcp://host:port or host:port; default: a fresh socket in a temp dir. */
  readonly endpoint?: string;
}

export interface CsiReferenceServer extends ReferenceServer {
  /** The driver behind the server, for tests that inspect or seed its state. */
  readonly driver: CsiDriver;
}

function toServiceError(error: unknown): Partial<grpc.ServiceError> {
  if (error instanceof CsiStatusError) {
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(error.trailers)) metadata.set(key, value);
    return { code: error.code, details: error.details, message: error.details, metadata };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: grpc.status.INTERNAL, details: `reference driver bug: ${message}`, message };
}

type AnyHandler = (request: unknown) => Promise<unknown>;

function implementation(driver: CsiDriver, service: CsiService): grpc.UntypedServiceImplementation {
  const methods: grpc.UntypedServiceImplementation = {};
  for (const rpc of CSI_SERVICES[service]) {
    const handler = driver[rpc] as AnyHandler;
    if (STREAMING_RPCS.has(rpc)) {
      methods[rpc] = (call: grpc.ServerWritableStream<unknown, unknown>) => {
        handler(call.request).then(
          (messages) => {
            for (const message of messages as unknown[]) call.write(message);
            call.end();
          },
          (error: unknown) => call.emit('error', toServiceError(error)),
        );
      };
    } else {
      methods[rpc] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        handler(call.request).then(
          (response) => callback(null, response),
          (error: unknown) => callback(toServiceError(error) as grpc.ServiceError),
        );
      };
    }
  }
  return methods;
}

/** Starts the reference driver on `endpoint`; `close()` stops it and removes a socket it created. */
export async function startCsiReference(options: StartCsiReferenceOptions = {}): Promise<CsiReferenceServer> {
  const driver = createCsiDriver(options);
  const root = loadProto(CSI_PROTO_PATH);
  const server = new grpc.Server();
  for (const service of Object.keys(CSI_SERVICES) as CsiService[]) {
    server.addService(lookup<grpc.ServiceClientConstructor>(root, `csi.v1.${service}`).service, implementation(driver, service));
  }
  const tempDir = options.endpoint ? undefined : mkdtempSync(join(tmpdir(), 'conformal-csi-'));
  const endpoint = options.endpoint ?? `unix://${join(tempDir!, 'csi.sock')}`;
  let address: string;
  try {
    address = await bindServer(server, endpoint);
  } catch (error) {
    server.forceShutdown();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    address,
    driver,
    close() {
      closed ??= shutdownServer(server).then(() => {
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      });
      return closed;
    },
  };
}
