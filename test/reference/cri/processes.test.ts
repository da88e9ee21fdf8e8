import { describe, expect, it } from 'vitest';
import { PidNamespace, runProcess, type ProcessHost } from '../../../src/reference/cri/processes.js';

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

async function run(argv: string[], h: ProcessHost = host(), stdin: string[] = []) {
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

  it('tails files, and with -f keeps running until killed (a pause-like entrypoint)', async () => {
    const log = host({ '/var/log/x': 'a\nb\nc\n' });
    expect((await run(['tail', '-n', '2', '/var/log/x'], log)).stdout).toBe('b\nc\n');
    expect((await run(['tail', '-n1', '/var/log/x'], log)).stdout).toBe('c\n');
    expect((await run(['tail', '/missing'])).code).toBe(1);
    const kill = new AbortController();
    let settled = false;
    const following = runProcess(['tail', '-f', '/dev/null'], host(), { stdout: () => {}, stderr: () => {}, readStdin: async () => null }, kill.signal);
    void following.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    kill.abort();
    expect(await following).toBe(137);
  });

  it('keeps a PID table: exec replaces the shell, /proc/N/cmdline, pgrep and pidof see live processes only', async () => {
    const pids = new PidNamespace();
    pids.start(['/pause']);
    const h: ProcessHost = { ...host(), pids, pid: pids.start(['sh']) };
    const kill = new AbortController();
    const server = runProcess(['sh', '-c', 'exec sleep 3600'], h, { stdout: () => {}, stderr: () => {}, readStdin: async () => null }, kill.signal);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pids.argv(h.pid)).toEqual(['sleep', '3600']);
    const peer: ProcessHost = { ...host(), pids, pid: pids.start(['sh']) };
    expect((await run(['cat', '/proc/1/cmdline'], peer)).stdout).toBe('/pause\0');
    expect((await run(['pidof', 'sleep'], peer)).stdout).toBe(`${h.pid}\n`);
    expect((await run(['sh', '-c', 'pgrep sleep || echo none'], peer)).stdout).toBe(`${h.pid}\n`);
    kill.abort();
    expect(await server).toBe(137);
    expect((await run(['sh', '-c', 'pgrep sleep || echo none'], peer)).stdout).toBe('none\n');
  });

  it('runs top until killed and an interactive sh from stdin lines', async () => {
    const kill = new AbortController();
    const top = runProcess(['top'], host(), { stdout: () => {}, stderr: () => {}, readStdin: async () => null }, kill.signal);
    kill.abort();
    expect(await top).toBe(137);
    const interactive = await run(['/bin/sh'], host(), ['echo -n hello\n', 'exit 3\n', 'echo after exit\n']);
    expect(interactive).toMatchObject({ code: 3, stdout: 'hello' });
  });

  it('refuses masked commands like a shell and checks capabilities and seccomp', async () => {
    const masked = await run(['/bin/sh', '-c', 'ls'], { ...host(), isMasked: (path) => path === '/bin/ls' });
    expect(masked).toMatchObject({ code: 126, stderr: '/bin/sh: ls: Permission denied\n' });
    const noCaps = { ...host(), capable: () => false };
    expect(await run(['brctl', 'addbr', 'foobar'], noCaps)).toMatchObject({ code: 1, stderr: 'brctl: bridge foobar: Operation not permitted\n' });
    expect((await run(['brctl', 'addbr', 'foobar'], { ...host(), capable: (c) => c === 'NET_ADMIN' })).code).toBe(0);
    const ping = await run(['ping', '127.0.0.1'], noCaps);
    expect(ping.stdout).not.toBe('');
    expect(ping.stderr).toContain('permission denied');
    expect(await run(['chmod', '400', '/'], { ...host(), seccompDenies: (call) => call === 'chmod' })).toMatchObject({ code: 1, stderr: 'chmod: /: Operation not permitted\n' });
    expect((await run(['mount', '--bind', '/etc', '/mnt'], noCaps)).code).toBe(1);
  });

  it('sets the hostname through the host and reports its refusal', async () => {
    let name = '';
    expect((await run(['hostname', 'new-name'], { ...host(), setHostname: (n) => void (name = n) })).code).toBe(0);
    expect(name).toBe('new-name');
    const refused = await run(['hostname', 'x'], { ...host(), setHostname: () => { throw new Error('sethostname: Operation not permitted'); } });
    expect(refused).toMatchObject({ code: 1, stderr: 'hostname: sethostname: Operation not permitted\n' });
  });

  it('dd with a block over the memory limit is OOM-killed; with a count it copies and exits', async () => {
    let asked = 0;
    const limited = { ...host(), allocate: (bytes: number) => ((asked = bytes), bytes <= 15 << 20) };
    expect((await run(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=20M'], limited)).code).toBe(137);
    expect(asked).toBe(20 << 20);
    expect((await run(['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1M', 'count=2'], limited)).code).toBe(0);
  });

  it('lists directories, greps files and stdin, and names users with id -n', async () => {
    const h = { ...host({ '/etc/passwd': 'root:x:0:0::/root:/bin/sh\nwww-data:x:33:33::/:/bin/false\n', '/proc/self/status': 'Name:\tsh\nSeccomp:\t2\n' }), uid: 33, listDir: (path: string) => (path === '/mnt' ? ['b', '.hidden', 'a'] : undefined) };
    expect((await run(['ls', '-A', '/mnt'], h)).stdout).toBe('b\n.hidden\na\n');
    expect((await run(['ls', '/mnt'], h)).stdout).toBe('b\na\n');
    expect((await run(['ls', '/nope'], h)).code).toBe(1);
    expect((await run(['grep', 'Seccomp:', '/proc/self/status'], h)).stdout).toBe('Seccomp:\t2\n');
    expect((await run(['grep', '-q', 'x'], h, ['a\n', 'b\n'])).code).toBe(1);
    expect((await run(['id', '-nu'], h)).stdout).toBe('www-data\n');
  });

  it('prints id as busybox does: names from the image where it has them, the groups after the primary one', async () => {
    const h = host({ '/etc/passwd': 'conformal:x:1000:1000::/home/conformal:/bin/sh\n', '/etc/group': 'conformal:x:1000:\nrender:x:5:\n' });
    expect((await run(['id'], { ...h, gid: 1000, groups: [1000, 5, 7] })).stdout).toBe('uid=1000(conformal) gid=1000(conformal) groups=1000(conformal),5(render),7\n');
    expect((await run(['id'], host())).stdout).toBe('uid=1000 gid=1001 groups=1001,5\n');
  });
});
