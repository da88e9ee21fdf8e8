// The run's human log: every line is kept (it becomes build-log.txt, ANSI-free) and echoed to
// stderr according to the verbosity the user chose.
import { stripVTControlCharacters } from 'node:util';
import type { Logger } from './plugin.js';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export class RunLog implements Logger {
  readonly lines: string[] = [];
  readonly #verbosity: Verbosity;
  readonly #echo: (line: string) => void;

  constructor(verbosity: Verbosity = 'normal', echo: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
    this.#verbosity = verbosity;
    this.#echo = echo;
  }

  /** Records a line of console output (already printed by a reporter) in the build log. */
  record(line: string): void {
    this.lines.push(stripVTControlCharacters(line));
  }

  info(message: string): void {
    this.#write('INFO', message, this.#verbosity !== 'quiet');
  }

  warn(message: string): void {
    this.#write('WARN', message, true);
  }

  debug(message: string): void {
    this.#write('DEBUG', message, this.#verbosity === 'verbose');
  }

  #write(level: string, message: string, echo: boolean): void {
    const line = `${new Date().toISOString()} ${level} ${stripVTControlCharacters(message)}`;
    this.lines.push(line);
    if (echo) this.#echo(`${level === 'INFO' ? '' : `${level}: `}${message}`);
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }
}
