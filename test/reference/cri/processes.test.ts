import { describe, expect, it } from 'vitest';
import { runProcess, type ProcessHost } from '../../../src/reference/cri/processes.js';

function host(files: Record<string, string> = {}, readonly = false): ProcessHost & { files: Map<string, Buffer> } {
  const map = new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)]));
  return {
    files: map,
    env: { PATH: '/bin', NAME: 'world' },
    uid: 1000,
    gid: 1001,
    groups: [5],
    hostname: 'sim-host',
    pid: 1,
    readFile: (path) => map.get(path),
    readLink: (path) => (path === '/proc/self/ns/ipc' ? 'ipc:[1]' : undefined),
    writeFile: (path, content, append) => {
      if (readonly) return 'Read-only file system';
      map.set(path, Buffer.concat([append ? (map.get(path) ?? Buffer.alloc(0)) : Buffer.alloc(0), content]));
      return undefined;
    },
    serveHttp: async () => () => undefined,
  };
}

async function run(argv: string[], h = host(), stdin: string[] = []) {
  let stdout = '';
  let stderr = '';
  const code = await runProcess(argv, h, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => stdin.shift() ?? null }, new AbortController().signal);
  return { code, stdout, stderr };
}

describe('simulated container processes', () => {
  it('runs sh -c scripts with ;, &&, ||, exit codes and stderr redirection', async () => {
    expect(await run(['sh', '-c', 'echo a; echo b >&2; exit 3'])).toEqual({ code: 3, stdout: 'a\n', stderr: 'b\n' });
    expect((await run(['sh', '-c', 'false && echo never; echo after'])).stdout).toBe('after\n');
    expect((await run(['sh', '-c', 'false || echo fallback'])).stdout).toBe('fallback\n');
  });

  it('expands $$ and variables, honours quotes', async () => {
    expect((await run(['sh', '-c', 'echo $$ "$NAME" \'$NAME\''])).stdout).toBe('1 world $NAME\n');
  });

  it('writes files through redirection and fails on a read-only filesystem', async () => {
    const h = host();
    await run(['sh', '-c', 'echo one > /tmp/f && echo two >> /tmp/f'], h);
    expect(h.files.get('/tmp/f')!.toString()).toBe('one\ntwo\n');
    const denied = await run(['sh', '-c', 'echo x > /f'], host({}, true));
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/Read-only file system/);
  });

  it('cats files and stdin, reports identity and hostname', async () => {
    expect((await run(['cat', '/etc/x'], host({ '/etc/x': 'content\n' }))).stdout).toBe('content\n');
    expect((await run(['cat', '/missing'])).code).toBe(1);
    expect((await run(['cat'], host(), ['line\n'])).stdout).toBe('line\n');
    expect((await run(['id', '-u'])).stdout).toBe('1000\n');
    expect((await run(['id', '-G'])).stdout).toBe('1001 5\n');
    expect((await run(['hostname'])).stdout).toBe('sim-host\n');
  });

  it('answers 127 for unknown commands and stops sleep when killed', async () => {
    expect((await run(['no-such-tool'])).code).toBe(127);
    const kill = new AbortController();
    const sleeping = runProcess(['sleep', '3600'], host(), { stdout: () => {}, stderr: () => {}, readStdin: async () => null }, kill.signal);
    kill.abort();
    expect(await sleeping).toBe(137);
  });
});
