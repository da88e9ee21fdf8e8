import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ephemeralStart, freePorts } from '../../bench/free-ports.js';

describe('freePorts', () => {
  it('hands out distinct ports below the ephemeral range that a server can bind at once', async () => {
    const below = ephemeralStart();
    const ports = await freePorts(40);
    expect(new Set(ports).size).toBe(40);
    for (const port of ports) expect(port, String(port)).toBeLessThan(below);
    for (const port of ports) expect(port).toBeGreaterThanOrEqual(10_000);
    const servers = await Promise.all(ports.map((port) => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    })));
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('never hands out a port something listens on', async () => {
    // A range of one port (10000), taken: there is nothing to hand out.
    const taken = createServer();
    await new Promise<void>((resolve, reject) => {
      // Taken by another process already is as good.
      taken.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve() : reject(error)));
      taken.listen(10_000, '127.0.0.1', resolve);
    });
    try {
      await expect(freePorts(1, '127.0.0.1', 10_001)).rejects.toThrow('found 0 of 1 free ports on 127.0.0.1 between 10000 and 10000');
    } finally {
      if (taken.listening) await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("reads the range's start from the kernel's file, and falls back to Linux's default", () => {
    const dir = mkdtempSync(join(tmpdir(), 'free-ports-'));
    writeFileSync(join(dir, 'range'), '40000\t60999\n');
    expect(ephemeralStart(join(dir, 'range'))).toBe(40_000);
    expect(ephemeralStart(join(dir, 'absent'))).toBe(32_768);
  });
});
