// The SPDY/3.1 server side, driven by a client written from the protocol: compressed header blocks
// in one deflate stream per direction, stream replies, data both ways, FIN, PING.
import { createHash } from 'node:crypto';
import { createServer, connect, type Socket } from 'node:net';
import { constants, createDeflate, inflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SPDY_DICTIONARY, SpdySession, type SpdyStream } from '../../../src/reference/cri/spdy.js';

function nameValueBlock(headers: Record<string, string>): Buffer {
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
  return Buffer.concat([u32(Object.keys(headers).length), ...Object.entries(headers).flatMap(([k, v]) => [u32(k.length), Buffer.from(k), u32(v.length), Buffer.from(v)])]);
}

function control(type: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x8003, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE((flags << 24) | payload.length, 4);
  return Buffer.concat([header, payload]);
}

function data(id: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(id, 0);
  header.writeUInt32BE((flags << 24) | payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** A SPDY client: one deflate context with the dictionary for every header block it sends. */
class Client {
  readonly frames: Array<{ control: boolean; type: number; id: number; flags: number; payload: Buffer }> = [];
  readonly #deflate = createDeflate({ dictionary: SPDY_DICTIONARY });
  #pending = Buffer.alloc(0);
  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#pending = Buffer.concat([this.#pending, chunk]);
      while (this.#pending.length >= 8 && this.#pending.length >= 8 + (this.#pending.readUInt32BE(4) & 0xffffff)) {
        const length = this.#pending.readUInt32BE(4) & 0xffffff;
        const isControl = (this.#pending[0]! & 0x80) !== 0;
        const payload = this.#pending.subarray(8, 8 + length);
        const id = isControl ? (payload.length >= 4 ? payload.readUInt32BE(0) & 0x7fffffff : 0) : this.#pending.readUInt32BE(0);
        this.frames.push({ control: isControl, type: isControl ? this.#pending.readUInt16BE(2) : 0, id, flags: this.#pending[4]!, payload });
        this.#pending = this.#pending.subarray(8 + length);
      }
    });
  }

  async compress(block: Buffer): Promise<Buffer> {
    const out: Buffer[] = [];
    const collect = (chunk: Buffer) => out.push(chunk);
    this.#deflate.on('data', collect);
    this.#deflate.write(block);
    await new Promise<void>((resolve) => this.#deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    await new Promise((resolve) => setImmediate(resolve));
    this.#deflate.off('data', collect);
    return Buffer.concat(out);
  }

  async open(id: number, headers: Record<string, string>): Promise<void> {
    const block = await this.compress(nameValueBlock(headers));
    const ids = Buffer.alloc(10);
    ids.writeUInt32BE(id, 0);
    this.socket.write(control(1, 0, Buffer.concat([ids, block])));
  }

  async until<T>(find: () => T | undefined): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const found = find();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('timed out');
  }
}

describe('SPDY/3.1 sessions', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => cleanup.splice(0).forEach((f) => f()));

  async function session(): Promise<{ client: Client; streams: SpdyStream[] }> {
    const streams: SpdyStream[] = [];
    const server = createServer((socket) => new SpdySession(socket, (stream) => streams.push(stream)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
    cleanup.push(() => {
      socket.destroy();
      server.close();
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    return { client: new Client(socket), streams };
  }

  it('uses the SPDY/3 header dictionary', () => {
    expect(SPDY_DICTIONARY.length).toBe(1423);
    expect(createHash('sha256').update(SPDY_DICTIONARY).digest('hex')).toBe('51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  });

  it("reads the headers of streams whose blocks share the client's deflate context, and replies to each", async () => {
    const { client, streams } = await session();
    await client.open(1, { streamtype: 'error', port: '80', requestid: '0' });
    await client.open(3, { streamtype: 'data', port: '80', requestid: '0' });
    await client.until(() => (streams.length === 2 ? true : undefined));
    expect(streams.map((s) => [s.id, s.headers])).toEqual([
      [1, { streamtype: 'error', port: '80', requestid: '0' }],
      [3, { streamtype: 'data', port: '80', requestid: '0' }],
    ]);
    const replies = await client.until(() => (client.frames.filter((f) => f.control && f.type === 2).length === 2 ? client.frames.filter((f) => f.control && f.type === 2) : undefined));
    expect(replies.map((r) => r.id)).toEqual([1, 3]);
    // Each reply's block ends with an empty stored block, so an inflater hands out every block when it arrives.
    for (const reply of replies) expect(reply.payload.subarray(-5)).toEqual(Buffer.from([0, 0, 0, 0xff, 0xff]));
    const blocks = Buffer.concat(replies.map((r) => r.payload.subarray(4)));
    expect(inflateSync(blocks, { finishFlush: constants.Z_SYNC_FLUSH })).toEqual(Buffer.alloc(8));
  });

  it('passes data both ways, half-closes with FIN and answers PING', async () => {
    const { client, streams } = await session();
    await client.open(1, { streamtype: 'stdin' });
    const stream = await client.until(() => streams[0]);
    const received: string[] = [];
    let ended = false;
    stream.onData((chunk) => received.push(chunk.toString()));
    stream.onEnd(() => (ended = true));
    client.socket.write(data(1, 0, Buffer.from('hello')));
    client.socket.write(data(1, 1, Buffer.alloc(0)));
    await client.until(() => (ended ? true : undefined));
    expect(received.join('')).toBe('hello');
    stream.write('back');
    stream.end();
    const frames = await client.until(() => (client.frames.filter((f) => !f.control).length === 2 ? client.frames.filter((f) => !f.control) : undefined));
    expect(frames.map((f) => [f.payload.toString(), f.flags])).toEqual([
      ['back', 0],
      ['', 1],
    ]);
    const ping = Buffer.from([0, 0, 0, 7]);
    client.socket.write(control(6, 0, ping));
    const pong = await client.until(() => client.frames.find((f) => f.control && f.type === 6));
    expect(pong.payload).toEqual(ping);
  });
});
