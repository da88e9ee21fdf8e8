// Simulated container processes: a small command table (echo, cat, sh -c, sleep, env, id,
// hostname, httpd, touch, true/false) and a tiny shell for `sh -c` scripts, enough for exec,
// logs, attach and port-forward to behave like a real busybox container.

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

type Command = (args: string[], host: ProcessHost, io: ProcessIO, signal: AbortSignal) => Promise<number>;

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
    if (args[0] === '-u') io.stdout(`${host.uid}\n`);
    else if (args[0] === '-g') io.stdout(`${host.gid}\n`);
    else if (args[0] === '-G') io.stdout(`${[host.gid, ...host.groups.filter((g) => g !== host.gid)].join(' ')}\n`);
    else io.stdout(`uid=${host.uid} gid=${host.gid}\n`);
    return 0;
  },
  async hostname(_args, host, io) {
    io.stdout(`${host.hostname}\n`);
    return 0;
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
    // Directories are implicit in the in-memory layer; only a read-only rootfs refuses them.
    for (const path of args.filter((a) => !a.startsWith('-'))) {
      const error = host.writeFile(`${path}/.keep`, Buffer.alloc(0), true);
      if (error) {
        io.stderr(`mkdir: can't create directory '${path}': ${error}\n`);
        return 1;
      }
    }
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
    // busybox httpd -f -p PORT -h DIR: serve in the foreground until killed.
    const port = Number(args[args.indexOf('-p') + 1]);
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
  async sh(args, host, io, signal) {
    if (args[0] !== '-c' || args[1] === undefined) {
      io.stderr('sh: the simulated shell only runs `sh -c SCRIPT`\n');
      return 2;
    }
    return runScript(args[1], host, io, signal);
  },
};

/** Runs argv in the simulated process table; unknown commands exit 127 like a shell. */
export async function runProcess(argv: readonly string[], host: ProcessHost, io: ProcessIO, signal: AbortSignal): Promise<number> {
  const [name, ...args] = argv;
  const base = (name ?? '').split('/').pop() ?? '';
  const command = commands[base];
  if (!command) {
    io.stderr(`${name ?? ''}: not found\n`);
    return 127;
  }
  return command(args, host, io, signal);
}

export function isKnownCommand(name: string): boolean {
  return (name.split('/').pop() ?? '') in commands;
}

interface SimpleCommand {
  argv: string[];
  /** stdout redirection target: a file, or "&2" for stderr. */
  redirect?: { target: string; append: boolean };
}

type Operator = ';' | '&&' | '||';

/** Splits a script into words and operators, honouring quotes and expanding $$ and $VAR. */
function tokenize(script: string, host: ProcessHost): Array<string | { op: string }> {
  const tokens: Array<string | { op: string }> = [];
  let word = '';
  let inWord = false;
  const push = () => {
    if (inWord) tokens.push(word);
    word = '';
    inWord = false;
  };
  const expand = (text: string) =>
    text.replace(/\$\$|\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (match, name: string | undefined) => (match === '$$' ? String(host.pid) : (host.env[name ?? ''] ?? '')));
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === "'") {
      const end = script.indexOf("'", i + 1);
      word += script.slice(i + 1, end < 0 ? undefined : end);
      inWord = true;
      i = end < 0 ? script.length : end;
    } else if (c === '"') {
      const end = script.indexOf('"', i + 1);
      word += expand(script.slice(i + 1, end < 0 ? undefined : end));
      inWord = true;
      i = end < 0 ? script.length : end;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      push();
      if (c === '\n') tokens.push({ op: ';' });
    } else if (script.startsWith('&&', i) || script.startsWith('||', i) || script.startsWith('>>', i) || script.startsWith('>&2', i) || script.startsWith('1>&2', i)) {
      push();
      const op = ['&&', '||', '>>', '>&2', '1>&2'].find((o) => script.startsWith(o, i))!;
      tokens.push({ op });
      i += op.length - 1;
    } else if (c === ';' || c === '>') {
      push();
      tokens.push({ op: c });
    } else if (c === '$') {
      const match = /^\$\$|^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/.exec(script.slice(i));
      if (match) {
        word += expand(match[0]);
        inWord = true;
        i += match[0].length - 1;
      } else {
        word += c;
        inWord = true;
      }
    } else {
      word += c;
      inWord = true;
    }
  }
  push();
  return tokens;
}

function parse(tokens: Array<string | { op: string }>): Array<{ command: SimpleCommand; next?: Operator }> {
  const list: Array<{ command: SimpleCommand; next?: Operator }> = [];
  let current: SimpleCommand = { argv: [] };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (typeof token === 'string') current.argv.push(token);
    else if (token.op === '>&2' || token.op === '1>&2') current.redirect = { target: '&2', append: false };
    else if (token.op === '>' || token.op === '>>') {
      const target = tokens[++i];
      if (typeof target === 'string') current.redirect = { target, append: token.op === '>>' };
    } else {
      if (current.argv.length > 0) list.push({ command: current, next: token.op as Operator });
      current = { argv: [] };
    }
  }
  if (current.argv.length > 0) list.push({ command: current });
  return list;
}

async function runScript(script: string, host: ProcessHost, io: ProcessIO, signal: AbortSignal): Promise<number> {
  const list = parse(tokenize(script, host));
  let status = 0;
  let skip = false;
  for (const { command, next } of list) {
    if (!skip) {
      if (signal.aborted) return KILLED_EXIT_CODE;
      const [name, ...args] = command.argv;
      if (name === 'exit') return Number(args[0] ?? status) & 0xff;
      if (name === 'exec') command.argv.shift();
      status = await runRedirected(command, host, io, signal);
    }
    skip = (next === '&&' && status !== 0) || (next === '||' && status === 0);
  }
  return status;
}

async function runRedirected(command: SimpleCommand, host: ProcessHost, io: ProcessIO, signal: AbortSignal): Promise<number> {
  const redirect = command.redirect;
  if (!redirect) return runProcess(command.argv, host, io, signal);
  if (redirect.target === '&2') return runProcess(command.argv, host, { ...io, stdout: io.stderr }, signal);
  let captured = '';
  const status = await runProcess(command.argv, host, { ...io, stdout: (text) => (captured += text) }, signal);
  const error = host.writeFile(redirect.target, Buffer.from(captured), redirect.append);
  if (error) {
    io.stderr(`sh: can't create ${redirect.target}: ${error}\n`);
    return 1;
  }
  return status;
}
