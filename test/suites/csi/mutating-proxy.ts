// A gRPC proxy in front of a CSI driver that can rewrite any answer: used to show that tests fail
// when the driver answers differently (e.g. OK where the spec requires an error).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bindServer, CHANNEL_OPTIONS, grpc, loadProto, lookup, shutdownServer } from '../../../src/transport/grpc.js';
import { CSI_RPCS, csiProtoPath, type ServiceName } from '../../../src/interfaces/csi/client.js';

export interface Outcome {
  readonly error?: grpc.ServiceError | null;
  readonly response?: unknown;
}

/** Decides what the client sees for one call; return the outcome unchanged to pass it through. */
export type Mutate = (rpc: string, request: unknown, outcome: Outcome) => Outcome;

/** Returned by a Mutate: the client never gets an answer (a driver that hangs). */
export const NEVER_ANSWER: Outcome = Object.freeze({});

type ClientCtor = new (target: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions) => grpc.Client;
type Service = { service: grpc.ServiceDefinition };

export async function startMutatingProxy(upstream: string, mutate: Mutate): Promise<{ address: string; close(): Promise<void> }> {
  const pkg = loadProto(csiProtoPath());
  const server = new grpc.Server();
  const clients: grpc.Client[] = [];
  for (const [service, rpcs] of Object.entries(CSI_RPCS) as Array<[ServiceName, readonly string[]]>) {
    const Ctor = lookup<ClientCtor & Service>(pkg, `csi.v1.${service}`);
    const client = new Ctor(upstream, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    clients.push(client);
    const call = client as unknown as Record<string, (...args: unknown[]) => any>;
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const rpc of rpcs) {
      if (service === 'SnapshotMetadata') {
        handlers[rpc] = (stream: grpc.ServerWritableStream<unknown, unknown>) => {
          const messages: unknown[] = [];
          const upstreamCall = call[rpc]!.call(client, stream.request);
          upstreamCall.on('data', (m: unknown) => messages.push(m));
          upstreamCall.on('error', (error: grpc.ServiceError) => finish({ error }));
          upstreamCall.on('end', () => finish({ response: messages }));
          const finish = (outcome: Outcome) => {
            const out = mutate(rpc, stream.request, outcome);
            if (out.error) return stream.emit('error', out.error);
            for (const m of Array.isArray(out.response) ? out.response : []) stream.write(m);
            stream.end();
          };
        };
      } else {
        handlers[rpc] = (unaryCall: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
          call[rpc]!.call(client, unaryCall.request, (error: grpc.ServiceError | null, response: unknown) => {
            const out = mutate(rpc, unaryCall.request, { error, response });
            if (out === NEVER_ANSWER) return;
            callback(out.error ?? null, out.error ? undefined : (out.response ?? {}));
          });
        };
      }
    }
    server.addService(Ctor.service, handlers);
  }
  const address = await bindServer(server, `unix://${join(mkdtempSync(join(tmpdir(), 'csi-proxy-')), 'proxy.sock')}`);
  return {
    address,
    async close() {
      for (const client of clients) client.close();
      await shutdownServer(server);
    },
  };
}
