// A gRPC pass-through on a unix socket that records which methods a client calls: put between a CRI
// tool and the runtime, it shows the RPCs the tool covers. HTTP/2 streams are relayed as they are
// (headers, messages, trailers, trailers-only answers, cancellation).
import { connect as http2Connect, createServer, type ClientHttp2Session, type Http2Server, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import { connect as netConnect } from 'node:net';

export interface GrpcRecorder {
  /** unix://… to give the tool instead of the runtime's endpoint. */
  readonly endpoint: string;
  /** Method name (e.g. "RunPodSandbox") -> calls, for calls the runtime answered with any status. */
  readonly calls: Map<string, number>;
  close(): Promise<void>;
}

function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!name.startsWith(':') || name === ':path' || name === ':method') out[name] = value;
  return out;
}

function answer(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!name.startsWith(':') || name === ':status') out[name] = value;
  return out;
}

/** Listens on `listenPath`, relaying every call to the runtime's socket at `targetPath`. */
export async function startGrpcRecorder(targetPath: string, listenPath: string): Promise<GrpcRecorder> {
  const calls = new Map<string, number>();
  let upstream: ClientHttp2Session | undefined;
  const session = () => {
    if (!upstream || upstream.closed || upstream.destroyed) upstream = http2Connect('http://localhost', { createConnection: () => netConnect(targetPath) });
    return upstream;
  };
  const server: Http2Server = createServer();
  server.on('stream', (stream, headers) => {
    const method = String(headers[':path'] ?? '').split('/').pop() ?? '';
    const call = session().request(forwardable(headers));
    let trailers: OutgoingHttpHeaders = {};
    call.on('response', (response) => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      // A trailers-only answer (an error status before any message) ends with its headers.
      if (response['grpc-status'] !== undefined) stream.respond(answer(response), { endStream: true });
      else {
        stream.respond(answer(response), { waitForTrailers: true });
        call.pipe(stream);
      }
    });
    call.on('trailers', (t) => (trailers = answer(t)));
    stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    stream.pipe(call);
    stream.on('close', () => call.close());
    call.on('error', () => stream.close());
    stream.on('error', () => call.close());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPath, () => resolve());
  });
  return {
    endpoint: `unix://${listenPath}`,
    calls,
    async close() {
      upstream?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
