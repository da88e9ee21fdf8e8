// A CRI client over the real gRPC transport: one channel to the runtime service and one to
// the image service (they may be different endpoints, as with the kubelet's flags).
import { ConformanceError } from '../../core/errors.js';
import { CHANNEL_OPTIONS, grpc, grpcCodeName, isGrpcCode, parseEndpoint, serverStream, unary, waitForReady } from '../../transport/grpc.js';
import { imageServiceClient, runtimeServiceClient } from './proto.js';

export type CriService = 'runtime' | 'image';

export interface CriClientOptions {
  readonly runtimeEndpoint: string;
  readonly imageEndpoint?: string;
  /** Per-call gRPC deadline in milliseconds. */
  readonly callTimeoutMs?: number;
}

export class CriClient {
  readonly runtimeEndpoint: string;
  readonly imageEndpoint: string;
  readonly #runtime: grpc.Client;
  readonly #image: grpc.Client;
  readonly #timeoutMs: number;

  constructor(options: CriClientOptions) {
    this.runtimeEndpoint = options.runtimeEndpoint;
    this.imageEndpoint = options.imageEndpoint || options.runtimeEndpoint;
    const credentials = grpc.credentials.createInsecure();
    const Runtime = runtimeServiceClient();
    const Image = imageServiceClient();
    this.#runtime = new Runtime(parseEndpoint(this.runtimeEndpoint, '--runtime-endpoint').target, credentials, CHANNEL_OPTIONS);
    this.#image = new Image(parseEndpoint(this.imageEndpoint, '--image-endpoint').target, credentials, CHANNEL_OPTIONS);
    this.#timeoutMs = options.callTimeoutMs ?? 60_000;
  }

  /** Resolves when both channels are READY; TargetUnreachableError otherwise. */
  async connect(timeoutMs: number): Promise<void> {
    await waitForReady(this.#runtime, this.runtimeEndpoint, timeoutMs);
    await waitForReady(this.#image, this.imageEndpoint, timeoutMs);
  }

  /** A RuntimeService unary call. */
  runtime<Res>(method: string, request: object, signal: AbortSignal, timeoutMs = this.#timeoutMs): Promise<Res> {
    return unary<object, Res>(this.#runtime, method, request, signal, timeoutMs);
  }

  /** An ImageService unary call. */
  image<Res>(method: string, request: object, signal: AbortSignal, timeoutMs = this.#timeoutMs): Promise<Res> {
    return unary<object, Res>(this.#image, method, request, signal, timeoutMs);
  }

  /** A server-streaming call collected to the end (the Stream* list RPCs). */
  collect<Res>(service: CriService, method: string, request: object, signal: AbortSignal): Promise<Res[]> {
    return serverStream<object, Res>(service === 'runtime' ? this.#runtime : this.#image, method, request, signal, this.#timeoutMs);
  }

  /** Opens GetContainerEvents; the caller reads `data` events and must cancel the call. */
  containerEvents(): grpc.ClientReadableStream<unknown> {
    const fn = (this.#runtime as unknown as Record<string, (req: object, md: grpc.Metadata) => grpc.ClientReadableStream<unknown>>)['GetContainerEvents']!;
    return fn.call(this.#runtime, {}, new grpc.Metadata());
  }

  close(): void {
    this.#runtime.close();
    this.#image.close();
  }
}

/** Runs `call`; if the target answers UNIMPLEMENTED, returns undefined so the test can report "not supported". */
export async function unlessUnimplemented<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isGrpcCode(error, grpc.status.UNIMPLEMENTED)) return undefined;
    throw error;
  }
}

/** Expects a call to fail with one of `codes`; a success or another code is a conformance failure. */
export async function expectGrpcError(what: string, call: () => Promise<unknown>, codes: readonly grpc.status[]): Promise<number> {
  try {
    await call();
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code !== undefined && codes.includes(code)) return code;
    throw new ConformanceError(`${what}: expected ${codes.map((c) => grpcCodeName(c)).join(' or ')}, got ${grpcCodeName(code)}`, { cause: error });
  }
  throw new ConformanceError(`${what}: expected ${codes.map((c) => grpcCodeName(c)).join(' or ')}, got OK`);
}
