// The server side of SPDY/3.1 as Kubernetes streaming uses it (exec, attach and port-forward
// through client-go's SPDY executor and dialer, kubectl, critest): framing, header blocks, streams
// the client opens. Header blocks from the client are zlib with the SPDY/3 dictionary; ours are
// zlib "stored" blocks (no compression, so no shared deflate state to keep). There is no flow
// control: spdystream, the SPDY library of Kubernetes, keeps none.
import type { Duplex } from 'node:stream';
import { constants, inflateSync } from 'node:zlib';

const VERSION = 3;
const FLAG_FIN = 0x01;
const Type = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;
/** RST_STREAM status CANCEL. */
const CANCEL = 5;

/** The zlib dictionary of SPDY/3 header blocks: length-prefixed header names and values, then common text. */
export const SPDY_DICTIONARY = (() => {
  const words = [
    'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language', 'accept-ranges', 'age', 'allow',
    'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5',
    'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range',
    'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after',
    'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK',
    'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin',
  ];
  const tail =
    '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
    '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not Found' +
    '500 Internal Server Error501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 ' +
    'Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,' +
    'text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  const parts = words.map((word) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(word.length);
    return Buffer.concat([length, Buffer.from(word)]);
  });
  return Buffer.concat([...parts, Buffer.from(tail)]);
})();

export type SpdyHeaders = Readonly<Record<string, string>>;

export interface SpdyStream {
  readonly id: number;
  /** Header names lower-cased, as SPDY sends them. */
  readonly headers: SpdyHeaders;
  onData(listener: (chunk: Buffer) => void): void;
  /** The client half-closed (FIN) or reset the stream. */
  onEnd(listener: () => void): void;
  write(data: Buffer | string): void;
  /** Half-closes our side (FIN). */
  end(): void;
  reset(): void;
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x8000 | VERSION, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([header, payload]);
}

function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(streamId & 0x7fffffff, 0);
  header.writeUInt32BE(((flags & 0xff) << 24) | data.length, 4);
  return Buffer.concat([header, data]);
}

function uint32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

/** A name/value header block: count, then length-prefixed names and values. */
function encodeHeaders(headers: SpdyHeaders): Buffer {
  const parts = [uint32(Object.keys(headers).length)];
  for (const [name, value] of Object.entries(headers)) parts.push(uint32(Buffer.byteLength(name)), Buffer.from(name.toLowerCase()), uint32(Buffer.byteLength(value)), Buffer.from(value));
  return Buffer.concat(parts);
}

function decodeHeaders(block: Buffer): Record<string, string> {
  const headers: Record<string, string> = {};
  let at = 4;
  for (let count = block.readUInt32BE(0); count > 0; count--) {
    const nameLength = block.readUInt32BE(at);
    const name = block.subarray(at + 4, at + 4 + nameLength).toString();
    at += 4 + nameLength;
    const valueLength = block.readUInt32BE(at);
    // Several values of one name are separated by NUL; the first is enough for streaming headers.
    headers[name.toLowerCase()] = block.subarray(at + 4, at + 4 + valueLength).toString().split('\0')[0] ?? '';
    at += 4 + valueLength;
  }
  return headers;
}

export class SpdySession {
  readonly #streams = new Map<number, { data: Array<(chunk: Buffer) => void>; end: Array<() => void>; ended: boolean; closedByUs: boolean }>();
  /** Every compressed header block the client sent: its zlib stream is one context for the session. */
  readonly #compressed: Buffer[] = [];
  #inflatedLength = 0;
  #zlibHeaderSent = false;
  #pending = Buffer.alloc(0);
  #lastStreamId = 0;
  #closed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly onStream: (stream: SpdyStream) => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.#pending = Buffer.concat([this.#pending, chunk]);
      try {
        this.#drain();
      } catch {
        // A frame we cannot read ends the session, as spdystream ends it on a framing error.
        this.close();
      }
    });
    socket.on('close', () => this.#endAll());
    socket.on('error', () => this.#endAll());
  }

  /** GOAWAY, then the connection ends. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#send(controlFrame(Type.goAway, 0, Buffer.concat([uint32(this.#lastStreamId), uint32(0)])));
    this.socket.end();
    this.#endAll();
  }

  #endAll(): void {
    for (const stream of this.#streams.values()) this.#finish(stream);
  }

  #finish(stream: { end: Array<() => void>; ended: boolean }): void {
    if (stream.ended) return;
    stream.ended = true;
    for (const listener of stream.end) listener();
  }

  #send(frame: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(frame);
  }

  /**
   * Our header block: the zlib header once per session, then a non-final stored deflate block and an
   * empty one, which is what a sync flush ends with: inflaters hand out the data when they reach it.
   */
  #headerBlock(headers: SpdyHeaders): Buffer {
    const raw = encodeHeaders(headers);
    const stored = Buffer.concat([Buffer.from([0x00, raw.length & 0xff, raw.length >> 8, ~raw.length & 0xff, (~raw.length >> 8) & 0xff]), raw, Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff])]);
    if (this.#zlibHeaderSent) return stored;
    this.#zlibHeaderSent = true;
    return Buffer.concat([Buffer.from([0x78, 0x01]), stored]);
  }

  #inflate(block: Buffer): Buffer {
    this.#compressed.push(block);
    // The client's blocks continue one deflate stream; inflating it all again is cheap for the few streams of a session.
    const all = inflateSync(Buffer.concat(this.#compressed), { dictionary: SPDY_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    const fresh = all.subarray(this.#inflatedLength);
    this.#inflatedLength = all.length;
    return fresh;
  }

  #drain(): void {
    while (this.#pending.length >= 8) {
      const length = this.#pending.readUInt32BE(4) & 0xffffff;
      if (this.#pending.length < 8 + length) return;
      const frame = this.#pending.subarray(0, 8 + length);
      this.#pending = this.#pending.subarray(8 + length);
      const flags = frame[4]!;
      const payload = frame.subarray(8);
      if (frame[0]! & 0x80) this.#control(frame.readUInt16BE(2), flags, payload);
      else this.#data(frame.readUInt32BE(0) & 0x7fffffff, flags, payload);
    }
  }

  #control(type: number, flags: number, payload: Buffer): void {
    switch (type) {
      case Type.synStream: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        const headers = decodeHeaders(this.#inflate(payload.subarray(10)));
        this.#lastStreamId = Math.max(this.#lastStreamId, id);
        const state = { data: [] as Array<(chunk: Buffer) => void>, end: [] as Array<() => void>, ended: false, closedByUs: false };
        this.#streams.set(id, state);
        // Kubernetes clients wait for the reply before they use a stream.
        this.#send(controlFrame(Type.synReply, 0, Buffer.concat([uint32(id), this.#headerBlock({})])));
        this.onStream({
          id,
          headers,
          onData: (listener) => void state.data.push(listener),
          onEnd: (listener) => (state.ended ? listener() : void state.end.push(listener)),
          write: (data) => {
            const bytes = typeof data === 'string' ? Buffer.from(data) : data;
            for (let at = 0; at < bytes.length && !state.closedByUs; at += 65_536) this.#send(dataFrame(id, 0, bytes.subarray(at, at + 65_536)));
          },
          end: () => {
            if (state.closedByUs) return;
            state.closedByUs = true;
            this.#send(dataFrame(id, FLAG_FIN, Buffer.alloc(0)));
          },
          reset: () => {
            state.closedByUs = true;
            this.#send(controlFrame(Type.rstStream, 0, Buffer.concat([uint32(id), uint32(CANCEL)])));
            this.#finish(state);
          },
        });
        if (flags & FLAG_FIN) this.#finish(state);
        return;
      }
      case Type.headers:
        // Ignored, but its block is part of the client's deflate stream.
        this.#inflate(payload.subarray(4));
        return;
      case Type.rstStream: {
        const state = this.#streams.get(payload.readUInt32BE(0) & 0x7fffffff);
        if (state) {
          state.closedByUs = true;
          this.#finish(state);
        }
        return;
      }
      case Type.ping:
        this.#send(controlFrame(Type.ping, 0, payload));
        return;
      case Type.goAway:
        this.close();
        return;
      default:
      // SETTINGS, WINDOW_UPDATE: nothing to do without flow control.
    }
  }

  #data(id: number, flags: number, payload: Buffer): void {
    const state = this.#streams.get(id);
    if (!state) return;
    if (payload.length > 0) for (const listener of state.data) listener(payload);
    if (flags & FLAG_FIN) this.#finish(state);
  }
}

/** True for an HTTP upgrade request to SPDY/3.1. */
export function isSpdyUpgrade(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  return String(headers['upgrade'] ?? '').toLowerCase() === 'spdy/3.1';
}
