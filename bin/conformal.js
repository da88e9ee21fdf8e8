#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (built by `npm ci` through the prepare script).
import module from 'node:module';

// Node >= 22.1 keeps V8's compiled code of every loaded module on disk (a no-op on Node 20), which
// shortens each later start; it must be on before the CLI's modules load, hence the dynamic import.
module.enableCompileCache?.();
const { main } = await import('../dist/src/cli/main.js');

// A reader that goes away (`conformal run csi | head`) must not kill the run before its reports
// are written: output to a closed pipe is dropped instead.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const code = await main(process.argv);
// Let piped output drain first (a write's callback runs after every earlier write is flushed;
// bounded, in case the stream is gone) …
const drained = (stream) => new Promise((resolve) => {
  if (stream.destroyed || !stream.writable) return resolve();
  stream.write('', () => resolve());
  setTimeout(resolve, 2000).unref();
});
await Promise.all([drained(process.stdout), drained(process.stderr)]);
// … then exit explicitly: nothing the target left pending (a connection attempt still retrying,
// a hung call) may keep the process alive once the reports are written.
process.exit(code);
