// Simulated container processes: a command table of busybox applets (echo, cat, sh, sleep, top,
// env, id, hostname, httpd, ls, grep, ps, pgrep, pidof, netstat, ipcs, ping, brctl, chmod, …) run
// with the container's identity, capabilities and filesystem view, and a PID table per PID
// namespace, enough for exec, logs, attach, port-forward and the checks of CRI test tools to
// behave as in a busybox container.
import { runInteractive, runScript, type RunCommand, type ShellIO } from './shell.js';

/** The processes of one PID namespace: PIDs in order from 1, with their argv (ps, pgrep, /proc/N/cmdline). */
export class PidNamespace {
  #next = 1;
  readonly #processes = new Map<number, readonly string[]>();

  /** A new PID running `argv`. */
  start(argv: readonly string[]): number {
    const pid = this.#next++;
    this.#processes.set(pid, argv);
    return pid;
  }

  /** `exec`: the PID now runs `argv`. */
  replace(pid: number, argv: readonly string[]): void {
    this.#processes.set(pid, argv);
  }

  exit(pid: number): void {
    this.#processes.delete(pid);
  }

  list(): Array<{ pid: number; argv: readonly string[] }> {
    return [...this.#processes].map(([pid, argv]) => ({ pid, argv }));
  }

  argv(pid: number): readonly string[] | undefined {
    return this.#processes.get(pid);
  }
}

/** What a simulated process can see and touch. */
export interface ProcessHost {
  readonly env: Readonly<Record<string, string>>;
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
  readonly hostname: string;
  /** PID the shell reports for `$$`: 1 in a private PID namespace. */
  readonly pid: number;
  readFile(path: string): Buffer | undefined;
  /** Returns an error text ("Read-only file system") or undefined on success. */
  writeFile(path: string, content: Buffer, append: boolean): string | undefined;
  /** Target of a symbolic link the container sees (only /proc/self/ns/* are simulated). */
  readLink(path: string): string | undefined;
  /** Starts serving files of `dir` on the pod's `port`; returns a stop function. */
  serveHttp(port: number, dir: string): Promise<() => void>;
  /** Entries of a directory the container sees; undefined when it is not one. */
  listDir?(path: string): readonly string[] | undefined;
  /** The PID namespace `pid` lives in; absent: a namespace of its own. */
  readonly pids?: PidNamespace;
  /** True for a path the runtime masked (MaskedPaths): running it is refused. */
  isMasked?(path: string): boolean;
  /** Whether the container's filesystem has this path: commands run only if the image has them. */
  exists?(path: string): boolean;
  /** Whether the process holds this capability (e.g. "NET_ADMIN") in its effective set; absent: root holds all. */
  capable?(capability: string): boolean;
  /** Whether the container's seccomp profile makes this system call fail with EPERM. */
  seccompDenies?(syscall: string): boolean;
  /** Changes the hostname of the UTS namespace. */
  setHostname?(name: string): void;
  /** `netstat -ln` lines for the listening sockets of the network namespace. */
  listeningSockets?(): readonly string[];
  /** `ipcs -m` lines for the shared memory segments of the IPC namespace. */
  sharedMemory?(): readonly string[];
  /** `mkdir -p`; returns an error text or undefined. */
  makeDir?(path: string): string | undefined;
  /** A bind mount in the container's own mount namespace; returns an error text or undefined. */
  bindMount?(source: string, target: string): string | undefined;
  /** Takes `bytes` of memory; false when that exceeds the container's limit (the container is OOM-killed). */
  allocate?(bytes: number): boolean;
}

export interface ProcessIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Lines written to the process's stdin; null when stdin is closed or not attached. */
  readStdin(signal: AbortSignal): Promise<string | null>;
}

/** Exit code of a process killed by a signal, as a shell reports it (128 + signal number). */
export const KILLED_EXIT_CODE = 137;

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, Math.min(ms, 2 ** 31 - 1));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

type Command = (args: string[], host: ProcessHost, io: ProcessIO, signal: AbortSignal, argv0: string) => Promise<number>;

const commands: Record<string, Command> = {
  async echo(args, _host, io) {
    const noNewline = args[0] === '-n';
    const words = noNewline ? args.slice(1) : args;
    io.stdout(words.join(' ') + (noNewline ? '' : '\n'));
    return 0;
  },
  async cat(args, host, io, signal) {
    if (args.length === 0) {
      // cat with no file copies stdin to stdout until stdin closes or the process is killed.
      for (;;) {
        const line = await io.readStdin(signal);
        if (line === null) return signal.aborted ? KILLED_EXIT_CODE : 0;
        io.stdout(line);
      }
    }
    let status = 0;
    for (const path of args) {
      const content = host.readFile(path);
      if (content === undefined) {
        io.stderr(`cat: can't open '${path}': No such file or directory\n`);
        status = 1;
      } else io.stdout(content.toString());
    }
    return status;
  },
  async tail(args, host, io, signal) {
    // tail [-n N] [-f] [FILE]: the last N lines (default 10); -f then waits until killed, as a
    // pause-like entrypoint (`tail -f /dev/null`) does.
    let lines = 10;
    let follow = false;
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (arg === '-f' || arg === '-F') follow = true;
      else if (arg === '-n') lines = Number(args[++i]);
      else if (arg.startsWith('-n')) lines = Number(arg.slice(2));
      else files.push(arg);
    }
    if (!Number.isInteger(lines) || lines < 0) {
      io.stderr('tail: invalid number of lines\n');
      return 1;
    }
    for (const path of files) {
      const content = path === '/dev/null' ? Buffer.alloc(0) : host.readFile(path);
      if (content === undefined) {
        io.stderr(`tail: can't open '${path}': No such file or directory\n`);
        return 1;
      }
      const all = content.toString().split('\n');
      if (all.at(-1) === '') all.pop();
      const last = lines === 0 ? [] : all.slice(-lines);
      if (last.length > 0) io.stdout(`${last.join('\n')}\n`);
    }
    if (!follow) return 0;
    await sleepFor(2 ** 31 - 1, signal);
    return KILLED_EXIT_CODE;
  },
  async sleep(args, _host, _io, signal) {
    const value = args[0] ?? '';
    const seconds = value === 'infinity' || value === 'inf' ? Infinity : Number(value);
    if (Number.isNaN(seconds)) return 1;
    await sleepFor(seconds === Infinity ? 2 ** 31 - 1 : seconds * 1000, signal);
    return signal.aborted ? KILLED_EXIT_CODE : 0;
  },
  async env(_args, host, io) {
    io.stdout(Object.entries(host.env).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  },
  async id(args, host, io) {
    const flags = new Set(args.filter((a) => a.startsWith('-')).flatMap((a) => [...a.slice(1)]));
    // -n prints names, looked up in the image's /etc/passwd and /etc/group.
    const nameOf = (file: string, id: number) => host.readFile(file)?.toString().split('\n').map((line) => line.split(':')).find((f) => f[2] === String(id))?.[0] ?? String(id);
    const groups = [host.gid, ...host.groups.filter((g) => g !== host.gid)];
    if (flags.has('u')) io.stdout(`${flags.has('n') ? nameOf('/etc/passwd', host.uid) : host.uid}\n`);
    else if (flags.has('g')) io.stdout(`${flags.has('n') ? nameOf('/etc/group', host.gid) : host.gid}\n`);
    else if (flags.has('G')) io.stdout(`${groups.join(' ')}\n`);
    else {
      // busybox's format: each id with its name in parentheses when the image's files have one.
      const named = (file: string, id: number) => {
        const name = nameOf(file, id);
        return name === String(id) ? name : `${id}(${name})`;
      };
      io.stdout(`uid=${named('/etc/passwd', host.uid)} gid=${named('/etc/group', host.gid)} groups=${groups.map((g) => named('/etc/group', g)).join(',')}\n`);
    }
    return 0;
  },
  async hostname(args, host, io) {
    const name = args.filter((a) => !a.startsWith('-'))[0];
    if (name === undefined) {
      io.stdout(`${host.hostname}\n`);
      return 0;
    }
    try {
      if (!host.setHostname) throw new Error('sethostname: Operation not permitted');
      host.setHostname(name);
      return 0;
    } catch (error) {
      io.stderr(`hostname: ${(error as Error).message}\n`);
      return 1;
    }
  },
  async readlink(args, host, io) {
    const target = host.readLink(args.filter((a) => !a.startsWith('-'))[0] ?? '');
    if (target === undefined) return 1;
    io.stdout(`${target}\n`);
    return 0;
  },
  async true() {
    return 0;
  },
  async false() {
    return 1;
  },
  async mkdir(args, host, io) {
    for (const path of args.filter((a) => !a.startsWith('-'))) {
      const error = host.makeDir ? host.makeDir(path) : host.writeFile(`${path}/.keep`, Buffer.alloc(0), true);
      if (error) {
        io.stderr(`mkdir: can't create directory '${path}': ${error}\n`);
        return 1;
      }
    }
    return 0;
  },
  async mount(args, host, io) {
    // Only bind mounts (mount --bind SRC DST, mount -o bind SRC DST), which need CAP_SYS_ADMIN.
    const [source, target] = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '-o' && args[i - 1] !== '-t');
    if (!args.includes('--bind') && !args.some((a, i) => args[i - 1] === '-o' && a.split(',').includes('bind'))) {
      io.stderr('mount: only bind mounts are simulated\n');
      return 1;
    }
    if (!capable(host, 'SYS_ADMIN')) {
      io.stderr('mount: permission denied (are you root?)\n');
      return 1;
    }
    const error = source && target && host.bindMount ? host.bindMount(source, target) : 'mounting failed';
    if (error) {
      io.stderr(`mount: mounting ${source ?? ''} on ${target ?? ''} failed: ${error}\n`);
      return 1;
    }
    return 0;
  },
  async dd(args, host, io, signal) {
    const option = (name: string) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
    const size = (text: string | undefined) => {
      const match = /^(\d+)([kKMG]?)$/.exec(text ?? '512');
      return match ? Number(match[1]) * ({ '': 1, k: 1024, K: 1024, M: 1 << 20, G: 1 << 30 } as Record<string, number>)[match[2]!]! : Number.NaN;
    };
    const blockSize = size(option('bs'));
    if (Number.isNaN(blockSize)) {
      io.stderr(`dd: invalid number '${option('bs') ?? ''}'\n`);
      return 1;
    }
    // dd holds one block in memory: more than the memory limit gets the container OOM-killed.
    if (host.allocate && !host.allocate(blockSize)) return KILLED_EXIT_CODE;
    const count = option('count');
    if (count === undefined) {
      // Without count, copying from /dev/zero never ends.
      await sleepFor(2 ** 31 - 1, signal);
      return KILLED_EXIT_CODE;
    }
    io.stderr(`${count}+0 records in\n${count}+0 records out\n`);
    return 0;
  },
  async touch(args, host, io) {
    for (const path of args) {
      const error = host.writeFile(path, Buffer.alloc(0), true);
      if (error) {
        io.stderr(`touch: ${path}: ${error}\n`);
        return 1;
      }
    }
    return 0;
  },
  async httpd(args, host, io, signal) {
    // busybox httpd -f -p [IP:]PORT -h DIR: serve in the foreground until killed. The address is
    // the pod's (or the node's loopback with host network) whatever IP is named.
    const port = Number((args[args.indexOf('-p') + 1] ?? '').split(':').pop());
    const dir = args.includes('-h') ? args[args.indexOf('-h') + 1]! : '/www';
    if (!Number.isInteger(port) || port <= 0) {
      io.stderr('httpd: bad port\n');
      return 1;
    }
    const stop = await host.serveHttp(port, dir);
    await sleepFor(2 ** 31 - 1, signal);
    stop();
    return KILLED_EXIT_CODE;
  },
  async sh(args, host, io, signal, argv0) {
    const shellHost = { ...host, listDir: (path: string) => host.listDir?.(path) };
    const runCommand: RunCommand = (argv, childIO, childSignal, replace) => runChild(argv0, argv, host, childIO, childSignal, replace);
    if (args[0] !== '-c') return runInteractive(shellHost, io, signal, runCommand);
    if (args[1] === undefined) {
      io.stderr(`${argv0}: -c requires an argument\n`);
      return 2;
    }
    return runScript(args[1], shellHost, io, signal, runCommand);
  },
  async top(_args, _host, _io, signal) {
    // The snapshot loop of top only ends when the process is killed; its screen output is left out.
    await sleepFor(2 ** 31 - 1, signal);
    return KILLED_EXIT_CODE;
  },
  async ls(args, host, io) {
    const all = args.some((a) => /^-\w*[aA]/.test(a));
    const recursive = args.some((a) => /^-\w*R/.test(a));
    const paths = args.filter((a) => !a.startsWith('-'));
    let status = 0;
    const list = (path: string, header: boolean) => {
      const entries = host.listDir?.(path);
      if (entries === undefined) {
        if (host.readFile(path) !== undefined) return void io.stdout(`${path}\n`);
        io.stderr(`ls: ${path}: No such file or directory\n`);
        status = 1;
        return;
      }
      const shown = entries.filter((name) => all || !name.startsWith('.'));
      io.stdout(`${header ? `${path}:\n` : ''}${shown.map((name) => `${name}\n`).join('')}`);
      if (recursive) for (const name of shown) if (host.listDir?.(`${path.replace(/\/$/, '')}/${name}`) !== undefined) list(`${path.replace(/\/$/, '')}/${name}`, true);
    };
    for (const path of paths.length ? paths : ['.']) list(path === '.' ? host.env['PWD'] ?? '/' : path, recursive);
    return status;
  },
  async grep(args, host, io, signal) {
    const flags = new Set(args.filter((a) => /^-[a-zA-Z]+$/.test(a)).flatMap((a) => [...a.slice(1)]));
    const [pattern, ...files] = args.filter((a) => !/^-[a-zA-Z]+$/.test(a));
    if (pattern === undefined) {
      io.stderr('grep: no pattern\n');
      return 2;
    }
    const source = flags.has('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : flags.has('E') ? pattern : basicToExtended(pattern);
    const regex = new RegExp(source, flags.has('i') ? 'i' : '');
    let text = '';
    if (files.length === 0) for (let chunk = await io.readStdin(signal); chunk !== null; chunk = await io.readStdin(signal)) text += chunk;
    else {
      for (const file of files) {
        const content = host.readFile(file);
        if (content === undefined) {
          io.stderr(`grep: ${file}: No such file or directory\n`);
          return 2;
        }
        text += content.toString();
      }
    }
    const matched = text.split('\n').filter((line, index, lines) => (index < lines.length - 1 || line !== '') && regex.test(line) !== flags.has('v'));
    if (flags.has('c')) io.stdout(`${matched.length}\n`);
    else if (!flags.has('q')) io.stdout(matched.map((line) => `${line}\n`).join(''));
    return matched.length > 0 ? 0 : 1;
  },
  async seq(args, _host, io) {
    const [first, last] = args.length >= 2 ? [Number(args[0]), Number(args[1])] : [1, Number(args[0])];
    for (let n = first; n <= last; n++) io.stdout(`${n}\n`);
    return 0;
  },
  async sync() {
    return 0;
  },
  async ps(_args, host, io) {
    io.stdout(`PID   USER     COMMAND\n${processes(host).map((p) => `${String(p.pid).padStart(5)} ${String(host.uid).padEnd(8)} ${p.argv.join(' ')}\n`).join('')}`);
    return 0;
  },
  async pgrep(args, host, io) {
    const pattern = args.filter((a) => !a.startsWith('-'))[0] ?? '';
    const full = args.includes('-f');
    const regex = new RegExp(basicToExtended(pattern));
    const found = processes(host).filter((p) => p.pid !== host.pid && regex.test(full ? p.argv.join(' ') : basename(p.argv[0] ?? '')));
    io.stdout(found.map((p) => `${p.pid}\n`).join(''));
    return found.length > 0 ? 0 : 1;
  },
  async pidof(args, host, io) {
    const found = processes(host).filter((p) => args.includes(basename(p.argv[0] ?? '')));
    if (found.length > 0) io.stdout(`${found.map((p) => p.pid).reverse().join(' ')}\n`);
    return found.length > 0 ? 0 : 1;
  },
  async netstat(_args, host, io) {
    io.stdout(`Active Internet connections (only servers)\nProto Recv-Q Send-Q Local Address           Foreign Address         State\n${(host.listeningSockets?.() ?? []).map((line) => `${line}\n`).join('')}`);
    return 0;
  },
  async ipcs(_args, host, io) {
    io.stdout(`\n------ Shared Memory Segments --------\nkey        shmid      owner      perms      bytes      nattch     status\n${(host.sharedMemory?.() ?? []).map((line) => `${line}\n`).join('')}\n`);
    return 0;
  },
  async chmod(args, host, io) {
    const [, ...paths] = args.filter((a) => !a.startsWith('-'));
    for (const path of paths) {
      if (host.seccompDenies?.('chmod') || host.seccompDenies?.('fchmodat')) {
        io.stderr(`chmod: ${path}: Operation not permitted\n`);
        return 1;
      }
    }
    return 0;
  },
  async ping(args, host, io, signal) {
    const target = args.filter((a) => !a.startsWith('-'))[0] ?? '';
    io.stdout(`PING ${target} (${target}): 56 data bytes\n`);
    // Raw ICMP sockets need CAP_NET_RAW; with it, ping runs until it is killed (no packets are sent).
    if (!capable(host, 'NET_RAW')) {
      io.stderr('ping: permission denied (are you root?)\n');
      return 1;
    }
    await sleepFor(2 ** 31 - 1, signal);
    return KILLED_EXIT_CODE;
  },
  async brctl(args, host, io) {
    // Creating a bridge needs CAP_NET_ADMIN; nothing is created on the node.
    if (!capable(host, 'NET_ADMIN')) {
      io.stderr(`brctl: bridge ${args[1] ?? ''}: Operation not permitted\n`);
      return 1;
    }
    return 0;
  },
};

/** BRE → JavaScript: in a basic regular expression `\(`, `\|`, `\+` are the operators and `(`, `|`, `+` are literal. */
function basicToExtended(pattern: string): string {
  return pattern.replace(/\\([(){}|+?])|([(){}|+?])/g, (_m, escaped: string | undefined, plainChar: string | undefined) => (escaped ? escaped : `\\${plainChar}`));
}

function basename(path: string): string {
  return path.split('/').pop() ?? path;
}

function capable(host: ProcessHost, capability: string): boolean {
  return host.capable ? host.capable(capability) : host.uid === 0;
}

function processes(host: ProcessHost): Array<{ pid: number; argv: readonly string[] }> {
  return host.pids?.list() ?? [];
}

/**
 * Where `name` is in the container: a path as given, else the first directory of $PATH that has it.
 * Undefined when the image has no such file (a host that cannot tell finds everything in /bin).
 */
export function resolveCommand(name: string, host: Pick<ProcessHost, 'env' | 'exists'>): string | undefined {
  if (name.includes('/')) return !host.exists || host.exists(name) ? name : undefined;
  if (!host.exists) return `/bin/${name}`;
  const dirs = (host.env['PATH'] ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':').filter(Boolean);
  return dirs.map((dir) => `${dir.replace(/\/$/, '')}/${name}`).find((path) => host.exists!(path));
}

/** A command of the shell `argv0`, run as a child process if the image has it and the reference can simulate it. */
function runChild(argv0: string, argv: readonly string[], host: ProcessHost, io: ShellIO, signal: AbortSignal, replace: boolean): Promise<number> {
  const name = argv[0] ?? '';
  const path = resolveCommand(name, host);
  if (path && host.isMasked?.(path)) {
    io.stderr(`${argv0}: ${name}: Permission denied\n`);
    return Promise.resolve(126);
  }
  if (!path || !isKnownCommand(name)) {
    io.stderr(`${argv0}: ${name}: not found${path ? ' (not simulated by the reference)' : ''}\n`);
    return Promise.resolve(127);
  }
  if (replace) return runProcess(argv, host, io, signal);
  const pid = host.pids?.start(argv) ?? host.pid + 1;
  return runProcess(argv, { ...host, pid }, io, signal);
}

/** Runs argv as process `host.pid` of the simulated process table; unknown commands exit 127 like a shell. */
export async function runProcess(argv: readonly string[], host: ProcessHost, io: ProcessIO, signal: AbortSignal): Promise<number> {
  const [name, ...args] = argv;
  const command = commands[basename(name ?? '')];
  if (!command) {
    io.stderr(`${name ?? ''}: not found\n`);
    return 127;
  }
  host.pids?.replace(host.pid, argv);
  try {
    return await command(args, withProc(host), io, signal, name ?? '');
  } finally {
    if (host.pids?.argv(host.pid) === argv) host.pids.exit(host.pid);
  }
}

/** /proc/self/cmdline and /proc/PID/cmdline come from the PID table. */
function withProc(host: ProcessHost): ProcessHost {
  return {
    ...host,
    readFile: (path) => {
      const pid = /^\/proc\/(self|\d+)\/cmdline$/.exec(path)?.[1];
      if (pid === undefined || !host.pids) return host.readFile(path);
      const argv = host.pids.argv(pid === 'self' ? host.pid : Number(pid));
      return argv ? Buffer.from(argv.map((a) => `${a}\0`).join('')) : undefined;
    },
  };
}

export function isKnownCommand(name: string): boolean {
  return basename(name) in commands;
}
