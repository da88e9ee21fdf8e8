// A scriptable CNI plugin for runtime tests: an executable JS file written into a temp CNI_PATH.
// It appends every invocation (command, CNI_* env, stdin) to the file named by CNI_ARGS or the
// config's "record" key and behaves as the config's "behave" map says for its command.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = `#!/usr/bin/env node
const fs = require('fs');
const stdin = fs.readFileSync(0, 'utf8');
let conf = {};
try { conf = JSON.parse(stdin); } catch {}
const cmd = process.env.CNI_COMMAND;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('CNI_')));
const type = require('path').basename(process.argv[1]);
if (conf.record) fs.appendFileSync(conf.record, JSON.stringify({ type, cmd, env, conf }) + '\\n');
const b = (conf.behave || {})[type + ':' + cmd] || (conf.behave || {})[cmd] || {};
// process.exit could drop buffered pipe output: only exitCode is set.
function main() {
  if (b.sleepMs) { const end = Date.now() + b.sleepMs; while (Date.now() < end) {} }
  if (b.spam) return process.stdout.write('x'.repeat(b.spam));
  if (b.code) { process.exitCode = 1; return process.stdout.write(JSON.stringify({ cniVersion: conf.cniVersion, code: b.code, msg: type + ' failed' })); }
  if (cmd === 'VERSION') return process.stdout.write(JSON.stringify({ cniVersion: conf.cniVersion || '1.1.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] }));
  if (cmd === 'ADD') {
    const prev = conf.prevResult || { cniVersion: conf.cniVersion, interfaces: [], ips: [] };
    prev.interfaces = [...(prev.interfaces || []), { name: type }];
    prev.cniVersion = conf.cniVersion;
    process.stdout.write(JSON.stringify(prev));
  }
}
main();
`;

export interface Recorder {
  readonly dir: string;
  readonly record: string;
  /** Every invocation so far, in order. */
  calls(): Array<{ type: string; cmd: string; env: Record<string, string>; conf: Record<string, unknown> }>;
}

/** Installs the recorder under each name in `types` (one temp CNI_PATH directory). */
export function installRecorder(types: readonly string[]): Recorder {
  const dir = mkdtempSync(join(tmpdir(), 'cni-recorder-'));
  for (const type of types) {
    const file = join(dir, type);
    writeFileSync(file, SCRIPT);
    chmodSync(file, 0o755);
  }
  const record = join(dir, 'calls.jsonl');
  return {
    dir,
    record,
    calls: () => (existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : []),
  };
}
