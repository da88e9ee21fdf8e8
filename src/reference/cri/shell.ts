// The simulated `sh` of the reference runtime's containers: the subset of the POSIX shell that CRI
// test tools run (conformal's suite, critest): lists (; && || newlines), pipelines (| and !),
// while/until/for/if and { } groups, [ ]/test, redirections (> >> < 2>&1 >&2 to /dev/null or a
// file), quotes and backslashes, $VAR ${VAR} $$ $? and $(…) command substitution.
// No globbing, no functions, no background jobs.

/** What the shell needs from the process table: run one command (a child process) to completion. */
export interface ShellIO {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(signal: AbortSignal): Promise<string | null>;
}

export interface ShellHost {
  readonly env: Readonly<Record<string, string>>;
  /** `$$`: the PID of the shell process. */
  readonly pid: number;
  readFile(path: string): Buffer | undefined;
  /** Entries of a directory, undefined when `path` is not one. */
  listDir(path: string): readonly string[] | undefined;
  writeFile(path: string, content: Buffer, append: boolean): string | undefined;
}

/** Runs argv as a child process (`replace`: `exec`, the shell's own PID runs it). */
export type RunCommand = (argv: readonly string[], io: ShellIO, signal: AbortSignal, replace: boolean) => Promise<number>;

type Segment = { kind: 'text'; text: string; quoted: boolean } | { kind: 'var'; name: string; quoted: boolean } | { kind: 'sub'; script: string; quoted: boolean };
type Word = Segment[];
type Token = { kind: 'word'; word: Word } | { kind: 'op'; op: string } | { kind: 'redirect'; fd: number; op: '>' | '>>' | '<' | '>&' };

interface Redirect {
  readonly fd: number;
  readonly op: '>' | '>>' | '<' | '>&';
  readonly target: Word;
}
type Command =
  | { kind: 'simple'; words: Word[]; redirects: Redirect[] }
  | { kind: 'loop'; until: boolean; condition: List; body: List; redirects: Redirect[] }
  | { kind: 'for'; name: string; items: Word[]; body: List; redirects: Redirect[] }
  | { kind: 'if'; branches: Array<{ condition: List; body: List }>; otherwise?: List; redirects: Redirect[] }
  | { kind: 'group'; body: List; redirects: Redirect[] };
interface Pipeline {
  readonly negate: boolean;
  readonly commands: Command[];
}
type AndOr = { first: Pipeline; rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }> };
type List = AndOr[];

export class ShellSyntaxError extends Error {}

/** `exit N` unwinds every construct of the script. */
class Exit {
  constructor(readonly code: number) {}
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The index after the `)` closing the `$(` whose body starts at `start`, skipping quotes. */
function closingParen(script: string, start: number): number {
  let depth = 1;
  for (let i = start; i < script.length; i++) {
    const c = script[i];
    if (c === '\\') i++;
    else if (c === "'") i = script.indexOf("'", i + 1) < 0 ? script.length : script.indexOf("'", i + 1);
    else if (c === '"') {
      for (i++; i < script.length && script[i] !== '"'; i++) if (script[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  throw new ShellSyntaxError('unterminated $(');
}

/** A `$…` expansion at `i` (which holds `$`): the segment and the index after it, or undefined for a literal `$`. */
function dollar(script: string, i: number, quoted: boolean): { segment: Segment; end: number } | undefined {
  const next = script[i + 1];
  if (next === '(') {
    const end = closingParen(script, i + 2);
    return { segment: { kind: 'sub', script: script.slice(i + 2, end - 1), quoted }, end };
  }
  if (next === '{') {
    const close = script.indexOf('}', i + 2);
    if (close < 0) throw new ShellSyntaxError('unterminated ${');
    return { segment: { kind: 'var', name: script.slice(i + 2, close), quoted }, end: close + 1 };
  }
  if (next === '$' || next === '?' || next === '#') return { segment: { kind: 'var', name: next, quoted }, end: i + 2 };
  const name = NAME.exec(script.slice(i + 1))?.[0];
  return name ? { segment: { kind: 'var', name, quoted }, end: i + 1 + name.length } : undefined;
}

export function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let word: Word = [];
  let inWord = false;
  const text = (t: string, quoted: boolean) => {
    const last = word[word.length - 1];
    if (last?.kind === 'text' && last.quoted === quoted) word[word.length - 1] = { ...last, text: last.text + t };
    else word.push({ kind: 'text', text: t, quoted });
    inWord = true;
  };
  const endWord = () => {
    if (inWord) tokens.push({ kind: 'word', word });
    word = [];
    inWord = false;
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === '\\') {
      if (script[i + 1] === '\n') i++;
      else text(script[++i] ?? '', true);
    } else if (c === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError('unterminated quoted string');
      text(script.slice(i + 1, end), true);
      i = end;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < script.length && script[i] !== '"'; i++) {
        const d = script[i]!;
        const expansion = d === '$' ? dollar(script, i, true) : undefined;
        if (expansion) {
          word.push(expansion.segment);
          i = expansion.end - 1;
        } else if (d === '\\' && '"\\$`\n'.includes(script[i + 1] ?? '')) text(script[++i]!, true);
        else text(d, true);
      }
      if (i >= script.length) throw new ShellSyntaxError('unterminated quoted string');
    } else if (c === '$' && dollar(script, i, false)) {
      const expansion = dollar(script, i, false)!;
      word.push(expansion.segment);
      inWord = true;
      i = expansion.end - 1;
    } else if (c === '#' && !inWord) {
      while (i + 1 < script.length && script[i + 1] !== '\n') i++;
    } else if (c === ' ' || c === '\t') endWord();
    else if (c === '\n' || c === ';' || c === '(' || c === ')') {
      endWord();
      tokens.push({ kind: 'op', op: c });
    } else if (c === '&' || c === '|') {
      endWord();
      const double = script[i + 1] === c;
      if (c === '&' && !double) throw new ShellSyntaxError('background jobs (&) are not supported');
      tokens.push({ kind: 'op', op: double ? c + c : c });
      if (double) i++;
    } else if (c === '>' || c === '<') {
      // A word of digits right before the operator is the file descriptor (2>, 1>&2).
      const fdWord = inWord && word.length === 1 && word[0]!.kind === 'text' && !word[0]!.quoted && /^\d$/.test(word[0]!.text) ? Number(word[0]!.text) : undefined;
      if (fdWord !== undefined) {
        word = [];
        inWord = false;
      } else endWord();
      let op: '>' | '>>' | '<' | '>&' = c;
      if (c === '>' && script[i + 1] === '>') op = '>>';
      else if (c === '>' && script[i + 1] === '&') op = '>&';
      if (op !== c) i++;
      tokens.push({ kind: 'redirect', fd: fdWord ?? (c === '<' ? 0 : 1), op });
    } else text(c, false);
  }
  endWord();
  return tokens;
}

/** The literal text of a word made of unquoted text only (reserved words, for-loop names). */
function plain(word: Word): string | undefined {
  return word.length === 1 && word[0]!.kind === 'text' && !word[0]!.quoted ? word[0]!.text : undefined;
}

class Parser {
  #at = 0;
  constructor(private readonly tokens: Token[]) {}

  parseScript(): List {
    const list = this.list(new Set());
    if (this.#at < this.tokens.length) throw new ShellSyntaxError(`unexpected ${this.#describe(this.tokens[this.#at]!)}`);
    return list;
  }

  #describe(token: Token): string {
    return token.kind === 'word' ? `"${plain(token.word) ?? 'word'}"` : token.kind === 'op' ? `"${token.op}"` : 'redirection';
  }

  #peek(): Token | undefined {
    return this.tokens[this.#at];
  }

  #isReserved(names: ReadonlySet<string>): boolean {
    const token = this.#peek();
    return token?.kind === 'word' && names.has(plain(token.word) ?? '');
  }

  #isOp(op: string): boolean {
    const token = this.#peek();
    return token?.kind === 'op' && token.op === op;
  }

  #skipNewlines(): void {
    while (this.#isOp('\n')) this.#at++;
  }

  #expectWord(name: string): void {
    while (this.#isOp('\n') || this.#isOp(';')) this.#at++;
    if (!this.#isReserved(new Set([name]))) throw new ShellSyntaxError(`expected "${name}"`);
    this.#at++;
  }

  /** and-or lists up to a reserved word of `stop`, a `)` or the end. */
  list(stop: ReadonlySet<string>): List {
    const list: List = [];
    for (;;) {
      while (this.#isOp('\n') || this.#isOp(';')) this.#at++;
      const token = this.#peek();
      if (!token || this.#isReserved(stop) || this.#isOp(')')) return list;
      list.push(this.#andOr());
    }
  }

  #andOr(): AndOr {
    const first = this.#pipeline();
    const rest: AndOr['rest'] = [];
    while (this.#isOp('&&') || this.#isOp('||')) {
      const op = (this.tokens[this.#at++] as { op: '&&' | '||' }).op;
      this.#skipNewlines();
      rest.push({ op, pipeline: this.#pipeline() });
    }
    return { first, rest };
  }

  #pipeline(): Pipeline {
    const negate = this.#isReserved(new Set(['!']));
    if (negate) this.#at++;
    const commands = [this.#command()];
    while (this.#isOp('|')) {
      this.#at++;
      this.#skipNewlines();
      commands.push(this.#command());
    }
    return { negate, commands };
  }

  #redirects(): Redirect[] {
    const redirects: Redirect[] = [];
    for (let token = this.#peek(); token?.kind === 'redirect'; token = this.#peek()) {
      this.#at++;
      const target = this.#peek();
      if (target?.kind !== 'word') throw new ShellSyntaxError('redirection without a target');
      this.#at++;
      redirects.push({ fd: token.fd, op: token.op, target: target.word });
    }
    return redirects;
  }

  #command(): Command {
    const token = this.#peek();
    const reserved = token?.kind === 'word' ? plain(token.word) : undefined;
    if (reserved === 'while' || reserved === 'until') {
      this.#at++;
      const condition = this.list(new Set(['do']));
      this.#expectWord('do');
      const body = this.list(new Set(['done']));
      this.#expectWord('done');
      return { kind: 'loop', until: reserved === 'until', condition, body, redirects: this.#redirects() };
    }
    if (reserved === 'for') {
      this.#at++;
      const nameToken = this.tokens[this.#at++];
      const name = nameToken?.kind === 'word' ? plain(nameToken.word) : undefined;
      if (!name || !NAME.test(name)) throw new ShellSyntaxError('for needs a variable name');
      const items: Word[] = [];
      this.#skipNewlines();
      if (this.#isReserved(new Set(['in']))) {
        this.#at++;
        for (let t = this.#peek(); t?.kind === 'word'; t = this.#peek()) {
          items.push(t.word);
          this.#at++;
        }
      }
      this.#expectWord('do');
      const body = this.list(new Set(['done']));
      this.#expectWord('done');
      return { kind: 'for', name, items, body, redirects: this.#redirects() };
    }
    if (reserved === 'if') {
      this.#at++;
      const branches: Array<{ condition: List; body: List }> = [];
      let otherwise: List | undefined;
      for (;;) {
        const condition = this.list(new Set(['then']));
        this.#expectWord('then');
        branches.push({ condition, body: this.list(new Set(['elif', 'else', 'fi'])) });
        const next = this.tokens[this.#at++];
        const keyword = next?.kind === 'word' ? plain(next.word) : undefined;
        if (keyword === 'elif') continue;
        if (keyword === 'else') {
          otherwise = this.list(new Set(['fi']));
          this.#expectWord('fi');
        } else if (keyword !== 'fi') throw new ShellSyntaxError('expected "fi"');
        break;
      }
      return { kind: 'if', branches, ...(otherwise ? { otherwise } : {}), redirects: this.#redirects() };
    }
    if (reserved === '{') {
      this.#at++;
      const body = this.list(new Set(['}']));
      this.#expectWord('}');
      return { kind: 'group', body, redirects: this.#redirects() };
    }
    if (this.#isOp('(')) {
      this.#at++;
      const body = this.list(new Set());
      if (!this.#isOp(')')) throw new ShellSyntaxError('expected ")"');
      this.#at++;
      return { kind: 'group', body, redirects: this.#redirects() };
    }
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (let t = this.#peek(); t && (t.kind === 'word' || t.kind === 'redirect'); t = this.#peek()) {
      if (t.kind === 'redirect') redirects.push(...this.#redirects());
      else {
        words.push(t.word);
        this.#at++;
      }
    }
    if (words.length === 0 && redirects.length === 0) throw new ShellSyntaxError(token ? `unexpected ${this.#describe(token)}` : 'unexpected end of script');
    return { kind: 'simple', words, redirects };
  }
}

export function parseScript(script: string): List {
  return new Parser(tokenize(script)).parseScript();
}

/** `[ … ]` and `test …`: file, string and integer tests, `!`, and the -a/-o-free forms tools use. */
function test(args: readonly string[], host: ShellHost): boolean {
  if (args[0] === '!') return !test(args.slice(1), host);
  if (args.length === 0) return false;
  if (args.length === 1) return args[0] !== '';
  if (args.length === 2) {
    const [op, operand = ''] = args;
    switch (op) {
      case '-n':
        return operand !== '';
      case '-z':
        return operand === '';
      case '-e':
        return host.readFile(operand) !== undefined || host.listDir(operand) !== undefined;
      case '-f':
      case '-s':
        return host.readFile(operand) !== undefined && (op === '-f' || host.readFile(operand)!.length > 0);
      case '-d':
        return host.listDir(operand) !== undefined;
      default:
        throw new ShellSyntaxError(`test: ${op}: unary operator expected`);
    }
  }
  const [left = '', op, right = ''] = args;
  const numbers = () => [Number.parseInt(left, 10), Number.parseInt(right, 10)] as const;
  switch (op) {
    case '=':
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '-eq':
      return numbers()[0] === numbers()[1];
    case '-ne':
      return numbers()[0] !== numbers()[1];
    case '-lt':
      return numbers()[0] < numbers()[1];
    case '-le':
      return numbers()[0] <= numbers()[1];
    case '-gt':
      return numbers()[0] > numbers()[1];
    case '-ge':
      return numbers()[0] >= numbers()[1];
    default:
      throw new ShellSyntaxError(`test: ${op ?? ''}: binary operator expected`);
  }
}

/** Exit code of a process killed by a signal, as a shell reports it (128 + SIGKILL). */
const KILLED = 137;

/** One running script: its variables, last status, host and child-process runner. */
class Shell {
  readonly #vars = new Map<string, string>();
  #status = 0;

  constructor(
    private readonly host: ShellHost,
    private readonly runCommand: RunCommand,
    private readonly signal: AbortSignal,
  ) {}

  #variable(name: string): string {
    if (name === '$') return String(this.host.pid);
    if (name === '?') return String(this.#status);
    if (name === '#') return '0';
    return this.#vars.get(name) ?? this.host.env[name] ?? '';
  }

  /** Expands a word into fields: unquoted expansions are split on blanks, quoted text never is. */
  async #expand(word: Word): Promise<string[]> {
    const fields: string[] = [];
    let current = '';
    let hasField = false;
    for (const segment of word) {
      let value: string;
      if (segment.kind === 'text') value = segment.text;
      else if (segment.kind === 'var') value = this.#variable(segment.name);
      else value = (await this.#capture(segment.script)).replace(/\n+$/, '');
      if (segment.kind === 'text' || segment.quoted) {
        current += value;
        hasField ||= segment.quoted || value !== '';
        continue;
      }
      const parts = value.split(/[ \t\n]+/);
      parts.forEach((part, index) => {
        if (index > 0) {
          if (hasField) fields.push(current);
          current = '';
          hasField = false;
        }
        current += part;
        hasField ||= part !== '';
      });
    }
    if (hasField) fields.push(current);
    return fields;
  }

  async #expandAll(words: readonly Word[]): Promise<string[]> {
    const all: string[] = [];
    for (const word of words) all.push(...(await this.#expand(word)));
    return all;
  }

  /** $(…): runs the script in a subshell and returns what it wrote to stdout. */
  async #capture(script: string): Promise<string> {
    let out = '';
    const sub = new Shell(this.host, this.runCommand, this.signal);
    try {
      await sub.runList(parseScript(script), { stdout: (t) => (out += t), stderr: () => undefined, readStdin: async () => null });
    } catch (error) {
      if (!(error instanceof Exit)) throw error;
    }
    this.#status = sub.#status;
    return out;
  }

  async runList(list: List, io: ShellIO): Promise<number> {
    for (const andOr of list) {
      let status = await this.#pipeline(andOr.first, io);
      for (const { op, pipeline } of andOr.rest) if ((op === '&&') === (status === 0)) status = await this.#pipeline(pipeline, io);
      this.#status = status;
      if (this.signal.aborted) throw new Exit(KILLED);
    }
    return this.#status;
  }

  /** Stages run one after another, each reading what the previous one wrote (enough for finite producers). */
  async #pipeline(pipeline: Pipeline, io: ShellIO): Promise<number> {
    let input: string | undefined;
    let status = 0;
    for (const [index, command] of pipeline.commands.entries()) {
      const last = index === pipeline.commands.length - 1;
      let output = '';
      const pending = input;
      const stageIO: ShellIO = {
        stdout: last ? io.stdout : (t) => (output += t),
        stderr: io.stderr,
        readStdin: index === 0 ? io.readStdin : pipeReader(pending),
      };
      status = await this.#command(command, stageIO);
      input = output;
    }
    return pipeline.negate ? Number(status === 0) : status;
  }

  async #command(command: Command, outer: ShellIO): Promise<number> {
    const redirected = await this.#redirect(command.redirects, outer);
    if (typeof redirected === 'number') return redirected;
    let status = 0;
    let exit: Exit | undefined;
    try {
      status = await this.#dispatch(command, redirected.io);
    } catch (error) {
      if (!(error instanceof Exit)) throw error;
      exit = error;
    }
    // Output redirected to a file is written when the command ends; failing to write fails it.
    const error = redirected.flush();
    if (error) {
      outer.stderr(error);
      status = 1;
    }
    if (exit) throw exit;
    return status;
  }

  async #dispatch(command: Command, io: ShellIO): Promise<number> {
    switch (command.kind) {
      case 'simple':
        return this.#simple(command.words, io);
      case 'group':
        return this.runList(command.body, io);
      case 'loop': {
        let status = 0;
        for (;;) {
          if (this.signal.aborted) throw new Exit(KILLED);
          const condition = await this.runList(command.condition, io);
          if ((condition === 0) === command.until) return status;
          status = await this.runList(command.body, io);
        }
      }
      case 'for': {
        let status = 0;
        for (const item of await this.#expandAll(command.items)) {
          this.#vars.set(command.name, item);
          status = await this.runList(command.body, io);
        }
        return status;
      }
      case 'if': {
        for (const branch of command.branches) if ((await this.runList(branch.condition, io)) === 0) return this.runList(branch.body, io);
        return command.otherwise ? this.runList(command.otherwise, io) : 0;
      }
      default:
        return command satisfies never;
    }
  }

  async #simple(words: readonly Word[], io: ShellIO): Promise<number> {
    const argv = await this.#expandAll(words);
    if (argv.length === 0) return this.#status;
    const [name, ...args] = argv as [string, ...string[]];
    switch (name) {
      case 'exit':
        throw new Exit(args[0] === undefined ? this.#status : Number(args[0]) & 0xff);
      case ':':
        return 0;
      case '[':
      case 'test': {
        if (name === '[' && args[args.length - 1] !== ']') {
          io.stderr('[: missing ]\n');
          return 2;
        }
        try {
          return test(name === '[' ? args.slice(0, -1) : args, this.host) ? 0 : 1;
        } catch (error) {
          io.stderr(`sh: ${(error as Error).message}\n`);
          return 2;
        }
      }
      case 'exec':
        if (args.length === 0) return 0;
        throw new Exit(await this.runCommand(args, io, this.signal, true));
      default:
        return this.runCommand(argv, io, this.signal, false);
    }
  }

  /** Applies redirections left to right; output to a file is written when the command ends. */
  async #redirect(redirects: readonly Redirect[], outer: ShellIO): Promise<{ io: ShellIO; flush: () => string | undefined } | number> {
    let io = outer;
    const files: Array<{ path: string; append: boolean; content: () => string }> = [];
    for (const redirect of redirects) {
      const target = (await this.#expand(redirect.target)).join(' ');
      const current = io;
      if (redirect.op === '>&') {
        const to = target === '1' ? current.stdout : target === '2' ? current.stderr : undefined;
        if (!to) {
          outer.stderr(`sh: ${target}: bad file descriptor\n`);
          return 1;
        }
        io = redirect.fd === 2 ? { ...current, stderr: to } : { ...current, stdout: to };
      } else if (redirect.op === '<') {
        const content = target === '/dev/null' ? Buffer.alloc(0) : this.host.readFile(target);
        if (content === undefined) {
          outer.stderr(`sh: can't open ${target}: no such file\n`);
          return 1;
        }
        io = { ...current, readStdin: pipeReader(content.toString()) };
      } else {
        let written = '';
        const sink = target === '/dev/null' ? () => undefined : (t: string) => void (written += t);
        if (target !== '/dev/null') files.push({ path: target, append: redirect.op === '>>', content: () => written });
        io = redirect.fd === 2 ? { ...current, stderr: sink } : { ...current, stdout: sink };
      }
    }
    const flush = () => {
      for (const file of files) {
        const error = this.host.writeFile(file.path, Buffer.from(file.content()), file.append);
        if (error) return `sh: can't create ${file.path}: ${error}\n`;
      }
      return undefined;
    };
    return { io, flush };
  }

  async run(script: string, io: ShellIO): Promise<number> {
    return (await this.runLine(script, io)).code;
  }

  /** Runs a script; `exited`: it ran `exit` (or was killed). */
  async runLine(script: string, io: ShellIO): Promise<{ code: number; exited: boolean }> {
    let list: List;
    try {
      list = parseScript(script);
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error;
      io.stderr(`sh: syntax error: ${error.message}\n`);
      return { code: 2, exited: false };
    }
    try {
      return { code: await this.runList(list, io), exited: false };
    } catch (error) {
      if (error instanceof Exit) return { code: error.code, exited: true };
      throw error;
    }
  }
}

/** A stdin that yields `text` once, then end of file. */
function pipeReader(text: string | undefined): ShellIO['readStdin'] {
  let pending = text;
  return async () => {
    const chunk = pending;
    pending = undefined;
    return chunk ? chunk : null;
  };
}

export function runScript(script: string, host: ShellHost, io: ShellIO, signal: AbortSignal, runCommand: RunCommand): Promise<number> {
  return new Shell(host, runCommand, signal).run(script, io);
}

/** `sh` with no script: every line read from stdin is run (variables carry over) until stdin ends or `exit`. */
export async function runInteractive(host: ShellHost, io: ShellIO, signal: AbortSignal, runCommand: RunCommand): Promise<number> {
  const shell = new Shell(host, runCommand, signal);
  let status = 0;
  let pending = '';
  for (;;) {
    const chunk = await io.readStdin(signal);
    if (chunk === null) return signal.aborted ? KILLED : status;
    pending += chunk;
    for (let newline = pending.indexOf('\n'); newline >= 0; newline = pending.indexOf('\n')) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const result = await shell.runLine(line, io);
      if (result.exited) return result.code;
      status = result.code;
    }
  }
}
