import { describe, expect, it } from 'vitest';
import { parseScript, runScript, ShellSyntaxError, type RunCommand, type ShellHost } from '../../../src/reference/cri/shell.js';

/** A host with an in-memory filesystem and commands echo, cat, seq, true, false, grep -q, sleep (counted). */
function setup(files: Record<string, string> = {}) {
  const fs = new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)]));
  const ran: string[][] = [];
  const host: ShellHost = {
    env: { HOME: '/root' },
    pid: 7,
    readFile: (path) => fs.get(path),
    listDir: (path) => ([...fs.keys()].some((k) => k.startsWith(`${path}/`)) ? [] : undefined),
    writeFile: (path, content, append) => {
      if (path.startsWith('/ro/')) return 'Read-only file system';
      fs.set(path, Buffer.concat([append ? (fs.get(path) ?? Buffer.alloc(0)) : Buffer.alloc(0), content]));
      return undefined;
    },
  };
  const run: RunCommand = async (argv, io) => {
    ran.push([...argv]);
    const [name, ...args] = argv;
    if (name === 'echo') io.stdout(`${args.join(' ')}\n`);
    else if (name === 'seq') for (let i = 1; i <= Number(args[0]); i++) io.stdout(`${i}\n`);
    else if (name === 'cat') {
      if (args[0]) io.stdout(fs.get(args[0])?.toString() ?? '');
      else for (let chunk = await io.readStdin(new AbortController().signal); chunk !== null; chunk = await io.readStdin(new AbortController().signal)) io.stdout(chunk);
    } else if (name === 'grep') {
      let text = '';
      for (let chunk = await io.readStdin(new AbortController().signal); chunk !== null; chunk = await io.readStdin(new AbortController().signal)) text += chunk;
      return text.includes(args[args.length - 1]!) ? 0 : 1;
    } else if (name === 'warn') io.stderr('warning\n');
    else if (name === 'false') return 1;
    else if (name !== 'true' && name !== 'sleep') return 127;
    return 0;
  };
  const sh = async (script: string, signal = new AbortController().signal) => {
    let stdout = '';
    let stderr = '';
    const code = await runScript(script, host, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => null }, signal, run);
    return { code, stdout, stderr };
  };
  return { sh, fs, ran };
}

describe('the simulated sh', () => {
  it('runs for loops over command substitutions, with appends per iteration', async () => {
    const { sh, fs } = setup();
    const result = await sh('mkdir -p /d 2>/dev/null; for i in $(seq 3); do echo hi >> /d/f_$i; done; true');
    expect(result.code).toBe(0);
    expect([...fs.keys()].sort()).toEqual(['/d/f_1', '/d/f_2', '/d/f_3']);
  });

  it('loops with while and until on a [ ] test, and exit leaves the loop with its code', async () => {
    const { sh, ran } = setup({ '/ready': 'x' });
    expect((await sh('while [ ! -f /ready ]; do sleep 1; done && cat /ready')).stdout).toBe('x');
    expect((await sh('until [ -f /missing ]; do exit 4; done')).code).toBe(4);
    expect(ran.filter((argv) => argv[0] === 'sleep')).toEqual([]);
  });

  it('pipes stdout (and stderr with 2>&1) into the next command; ! negates', async () => {
    const { sh } = setup({ '/proc/1/cmdline': 'nginx: master process' });
    expect((await sh('cat /proc/1/cmdline | grep "master process"')).code).toBe(0);
    expect((await sh('! cat /proc/1/cmdline | grep worker')).code).toBe(0);
    expect((await sh('warn 2>&1 | grep warning')).code).toBe(0);
    expect((await sh('warn | grep warning')).code).toBe(1);
  });

  it('splits unquoted expansions into fields and keeps quoted ones whole', async () => {
    const { sh, ran } = setup();
    await sh('echo $(seq 2) "$(seq 2)" ${HOME}/x $$ $?');
    expect(ran.at(-1)).toEqual(['echo', '1', '2', '1\n2', '/root/x', '7', '0']);
  });

  it('takes the first true branch of if/elif/else', async () => {
    const { sh } = setup();
    expect((await sh('if false; then echo a; elif [ 1 -lt 2 ]; then echo b; else echo c; fi')).stdout).toBe('b\n');
    expect((await sh('if [ x = y ]; then echo a; else echo c; fi')).stdout).toBe('c\n');
  });

  it('fails a command whose output file cannot be written, and reports syntax errors with status 2', async () => {
    const { sh } = setup();
    const denied = await sh('echo x > /ro/f');
    expect(denied).toMatchObject({ code: 1, stderr: "sh: can't create /ro/f: Read-only file system\n" });
    expect((await sh('while true; do echo')).code).toBe(2);
    expect(() => parseScript('sleep 1 &')).toThrow(ShellSyntaxError);
  });

  it('stops a loop when the process is killed', async () => {
    const { sh } = setup();
    const kill = new AbortController();
    kill.abort();
    expect((await sh('while true; do true; done', kill.signal)).code).toBe(137);
  });
});
