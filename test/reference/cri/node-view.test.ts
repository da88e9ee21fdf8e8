import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeccompProfile, nodeListeningSockets } from '../../../src/reference/cri/node-view.js';

describe("the node as a host-namespace container sees it", () => {
  it.skipIf(process.platform !== 'linux')('lists a socket listening on the node in netstat form', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      expect(nodeListeningSockets().some((line) => line.includes(`127.0.0.1:${port} `) && line.endsWith('LISTEN'))).toBe(true);
    } finally {
      server.close();
    }
  });

  it('reads the denied system calls of a Localhost seccomp profile and refuses a broken one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccomp-'));
    try {
      writeFileSync(join(dir, 'p.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['chmod', 'fchmodat'], action: 'SCMP_ACT_ERRNO' }] }));
      expect([...loadSeccompProfile(join(dir, 'p.json')).denied].sort()).toEqual(['chmod', 'fchmodat']);
      writeFileSync(join(dir, 'deny.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }));
      expect([...(loadSeccompProfile(join(dir, 'deny.json')).allowed ?? [])]).toEqual(['read']);
      expect(() => loadSeccompProfile(join(dir, 'missing.json'))).toThrow(/seccomp profile/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
