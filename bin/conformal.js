#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (built by `npm ci` through the prepare script).
import { main } from '../dist/src/cli/main.js';

const code = await main(process.argv);
// Let piped output drain first (a write's callback runs after every earlier write is flushed) …
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
// … then exit explicitly: nothing the target left pending (a connection attempt still retrying,
// a hung call) may keep the process alive once the reports are written.
process.exit(code);
