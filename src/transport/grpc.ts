// gRPC transport shared by the gRPC interfaces (CSI, CRI): proto loading, endpoint parsing,
// connecting with a deadline, promise-based unary calls bound to an AbortSignal, and servers
// on unix sockets for the reference implementations.
import { createHash } from 'node:crypto';
import { existsSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { addCommonProtos, loadProtosWithOptionsSync } from '@grpc/proto-loader/build/src/util.js';
import Protobuf from 'protobufjs';
import { TargetUnreachableError, UsageError } from '../core/errors.js';
import { packagePath, packageRoot } from '../core/paths.js';
import { hostPort, probeEndpoint } from './connect-probe.js';

/** How every conformal proto is decoded: camelCase fields, enums as names, int64 as numbers, defaults filled. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
};

const loadedProtos = new Map<string, grpc.GrpcObject>();

/** Changes when the layout of the files scripts/compile-protos.mjs writes changes. */
export const PRECOMPILED_PROTO_FORMAT = 1;

/** Where the build keeps the parsed form of a .proto of the package: dist/proto/<path from the package root>.json. */
export function precompiledProtoPath(file: string): string | undefined {
  const rel = relative(packageRoot(), resolve(file));
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return packagePath('dist', 'proto', `${rel}.json`);
}

/**
 * The protobufjs JSON descriptor the build wrote for `file`, when every file it was parsed from is
 * unchanged since (sha256); otherwise undefined, and the .proto is parsed as before.
 */
export function readPrecompiledProto(file: string): object | undefined {
  const path = precompiledProtoPath(file);
  if (!path) return undefined;
  let data: { format?: unknown; sources?: Record<string, string>; root?: object };
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as typeof data;
  } catch {
    return undefined; // not built (tsc alone) or unreadable
  }
  if (data.format !== PRECOMPILED_PROTO_FORMAT || !data.sources || !data.root) return undefined;
  for (const [source, digest] of Object.entries(data.sources)) {
    try {
      if (createHash('sha256').update(readFileSync(packagePath(source))).digest('hex') !== digest) return undefined;
    } catch {
      return undefined;
    }
  }
  return data.root;
}

/** proto-loader's serializer: the plain object converted to a message, then encoded. */
function serializerOf(type: Protobuf.Type): (value: unknown) => Buffer {
  return (value) => {
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    return Buffer.from(type.encode(type.fromObject(value as Record<string, unknown>)).finish());
  };
}

/** proto-loader's deserializer: decoded, then converted to a plain object with the loader options. */
function deserializerOf(type: Protobuf.Type, options: protoLoader.Options): (bytes: Buffer) => unknown {
  return (bytes) => type.toObject(type.decode(bytes), options as Protobuf.IConversionOptions);
}

/**
 * The services of a parsed root as grpc-js takes them, with proto-loader's serializers and method
 * fields. proto-loader's own createPackageDefinition also builds the DescriptorProto of every
 * message and encodes every FileDescriptorProto, which only gRPC server reflection reads: for
 * csi.proto about 45 ms of every start (62-70 ms against 15 ms for the root alone, fresh process).
 * test/transport/grpc.test.ts checks every method against proto-loader's definition.
 */
export function servicesDefinition(root: Protobuf.Root, options: protoLoader.Options): grpc.GrpcObject {
  root.resolveAll();
  const definition: Record<string, grpc.ServiceDefinition> = {};
  const visit = (namespace: Protobuf.NamespaceBase, prefix: string) => {
    for (const nested of namespace.nestedArray) {
      const name = prefix ? `${prefix}.${nested.name}` : nested.name;
      if (nested instanceof Protobuf.Service) {
        const methods: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
        for (const method of nested.methodsArray) {
          const request = method.resolvedRequestType!;
          const response = method.resolvedResponseType!;
          methods[method.name] = {
            path: `/${name}/${method.name}`,
            requestStream: !!method.requestStream,
            responseStream: !!method.responseStream,
            requestSerialize: serializerOf(request),
            requestDeserialize: deserializerOf(request, options),
            responseSerialize: serializerOf(response),
            responseDeserialize: deserializerOf(response, options),
            originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
          };
        }
        definition[name] = methods;
      } else if (nested instanceof Protobuf.Namespace && !(nested instanceof Protobuf.Type)) {
        visit(nested, name);
      }
    }
  };
  visit(root, '');
  return grpc.loadPackageDefinition(definition);
}

/** The protobufjs root of a .proto, parsed the way proto-loader's loadSync parses it. */
export function parseProto(file: string, includeDirs: string[] = []): Protobuf.Root {
  addCommonProtos(); // google/protobuf/descriptor.proto and the others protobufjs does not bundle, as proto-loader adds them
  return loadProtosWithOptionsSync(file, { ...PROTO_LOADER_OPTIONS, includeDirs: [dirname(file), ...includeDirs] });
}

/**
 * Loads a .proto once per process: a client and an in-process reference server share the result.
 * A package .proto is read from the JSON descriptor the build made of it (no .proto parsing at start).
 */
export function loadProto(file: string, includeDirs: string[] = []): grpc.GrpcObject {
  const key = [file, ...includeDirs].join('\0');
  let root = loadedProtos.get(key);
  if (!root) {
    const precompiled = includeDirs.length === 0 ? readPrecompiledProto(file) : undefined;
    root = servicesDefinition(precompiled ? Protobuf.Root.fromJSON(precompiled) : parseProto(file, includeDirs), PROTO_LOADER_OPTIONS);
    loadedProtos.set(key, root);
  }
  return root;
}

/** Looks up a dotted name ("csi.v1.Controller") in a loaded package. */
export function lookup<T>(root: grpc.GrpcObject, dotted: string): T {
  let node: unknown = root;
  for (const part of dotted.split('.')) {
    node = (node as Record<string, unknown> | undefined)?.[part];
  }
  if (!node) throw new Error(`proto has no ${dotted}`);
  return node as T;
}

export interface ParsedEndpoint {
  /** Target string grpc-js dials. */
  readonly target: string;
  /** Socket path for unix endpoints. */
  readonly socketPath?: string;
}

/**
 * Accepts unix:///abs/path, unix:/abs/path, unix://rel (treated as absolute as csi-sanity does),
 * a bare absolute path, tcp://host:port, dns:///host:port and host:port.
 */
export function parseEndpoint(endpoint: string, flag = '--endpoint'): ParsedEndpoint {
  const value = endpoint.trim();
  if (value === '') throw new UsageError(`${flag} is empty`, { field: flag });
  if (value.startsWith('unix:')) {
    const path = value.replace(/^unix:(\/\/)?/, '');
    const socketPath = path.startsWith('/') ? path : resolve('/', path);
    return { target: `unix://${socketPath}`, socketPath };
  }
  if (value.startsWith('/')) return { target: `unix://${value}`, socketPath: value };
  if (value.startsWith('tcp://')) return { target: `dns:///${value.slice('tcp://'.length)}` };
  if (value.startsWith('dns:')) return { target: value };
  if (/^[\w.-]+:\d+$/.test(value) || /^\[[0-9a-f:]+\]:\d+$/i.test(value)) return { target: `dns:///${value}` };
  throw new UsageError(`${flag} "${endpoint}" is not a unix:// path or host:port address`, { field: flag });
}

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // csi-sanity dials with authority "localhost"; some servers behind unix sockets check it.
  'grpc.default_authority': 'localhost',
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  // Keep reconnect attempts short so an unreachable target is reported quickly.
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
};

/**
 * Waits until the client's channel is READY, or throws TargetUnreachableError saying why, with the
 * endpoint as the user wrote it: a probe first tells a missing socket file, a refused connection
 * and a server not speaking HTTP/2 apart at once, and one that never answers after `timeoutMs`.
 */
export async function waitForReady(client: grpc.Client, endpoint: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const parsed = parseEndpoint(endpoint);
  const address = parsed.socketPath ? { socketPath: parsed.socketPath } : hostPort(parsed.target);
  if (address) {
    const verdict = await probeEndpoint(address, timeoutMs);
    if (!verdict.ok) throw new TargetUnreachableError(endpoint, `cannot connect to ${endpoint}: ${verdict.reason}`);
  }
  const remainingMs = Math.max(timeoutMs - (Date.now() - started), 1000);
  await new Promise<void>((resolvePromise, reject) => {
    client.waitForReady(Date.now() + remainingMs, (error) => {
      if (!error) return resolvePromise();
      reject(new TargetUnreachableError(endpoint, `cannot connect to ${endpoint}: it speaks HTTP/2 but the gRPC channel was not ready within ${timeoutMs / 1000} s (${error.message})`, { cause: error }));
    });
  });
}

export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: Res) => void,
) => grpc.ClientUnaryCall;

/** Calls a unary method; the call is cancelled when `signal` aborts and carries a gRPC deadline. */
export function unary<Req, Res>(client: grpc.Client, method: string, request: Req, signal: AbortSignal, timeoutMs = 30_000): Promise<Res> {
  const fn = (client as unknown as Record<string, UnaryMethod<Req, Res>>)[method];
  if (typeof fn !== 'function') return Promise.reject(new Error(`client has no method ${method}`));
  return new Promise<Res>((resolvePromise, reject) => {
    if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error(`${method} aborted`));
    const call = fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolvePromise(response as Res);
    });
    const onAbort = () => call.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Collects every message of a server-streaming call. */
export function serverStream<Req, Res>(client: grpc.Client, method: string, request: Req, signal: AbortSignal, timeoutMs = 30_000): Promise<Res[]> {
  const fn = (client as unknown as Record<string, (req: Req, md: grpc.Metadata, opts: grpc.CallOptions) => grpc.ClientReadableStream<Res>>)[method];
  if (typeof fn !== 'function') return Promise.reject(new Error(`client has no method ${method}`));
  return new Promise<Res[]>((resolvePromise, reject) => {
    const messages: Res[] = [];
    const stream = fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs });
    const onAbort = () => stream.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (message: Res) => messages.push(message));
    stream.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    stream.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolvePromise(messages);
    });
  });
}

/** True when `error` is a gRPC error with the given status code. */
export function isGrpcCode(error: unknown, code: grpc.status): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** "NOT_FOUND" for 5, etc. */
export function grpcCodeName(code: number | undefined): string {
  if (code === undefined) return 'UNKNOWN';
  return (grpc.status as unknown as Record<number, string>)[code] ?? String(code);
}

/** Binds a server to a unix socket (removing a stale socket file) or a TCP address. */
export async function bindServer(server: grpc.Server, endpoint: string): Promise<string> {
  const parsed = parseEndpoint(endpoint);
  if (parsed.socketPath) {
    mkdirSync(dirname(parsed.socketPath), { recursive: true });
    if (existsSync(parsed.socketPath)) rmSync(parsed.socketPath);
  }
  const bindTarget = parsed.socketPath ? `unix://${parsed.socketPath}` : parsed.target.replace(/^dns:\/\/\//, '');
  const port = await new Promise<number>((resolvePromise, reject) => {
    server.bindAsync(bindTarget, grpc.ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolvePromise(boundPort)));
  });
  if (parsed.socketPath) return `unix://${parsed.socketPath}`;
  return bindTarget.replace(/:0$/, `:${port}`);
}

export function shutdownServer(server: grpc.Server): Promise<void> {
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolvePromise();
    }, 2000);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolvePromise();
    });
  });
}

export { grpc };
