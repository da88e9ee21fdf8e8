// Writes the parsed form of every interface .proto (src/interfaces/*/proto/*.proto) to
// dist/proto/<path>.json, so a start loads a protobufjs JSON descriptor instead of parsing .proto
// text (src/transport/grpc.ts, loadProto). The .proto stays the source of truth: each JSON carries
// the sha256 of every package file it was parsed from, and loadProto parses the .proto itself when
// one differs (edited without a build) or the JSON is missing. Runs after tsc in `npm run build`.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
// The very loader proto-loader's loadSync uses (with the google/protobuf files it bundles), so the
// JSON holds what parsing the .proto at run time would give.
require('@grpc/proto-loader');
const { loadProtosWithOptionsSync } = require('@grpc/proto-loader/build/src/util.js');
const { PROTO_LOADER_OPTIONS, PRECOMPILED_PROTO_FORMAT, precompiledProtoPath } = await import('../dist/src/transport/grpc.js');

const digest = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

for (const iface of readdirSync(join(root, 'src/interfaces'))) {
  const protoDir = join(root, 'src/interfaces', iface, 'proto');
  let names;
  try {
    names = readdirSync(protoDir).filter((name) => name.endsWith('.proto'));
  } catch {
    continue; // an interface without protos
  }
  for (const name of names) {
    const file = join(protoDir, name);
    const parsed = loadProtosWithOptionsSync(file, { ...PROTO_LOADER_OPTIONS, includeDirs: [protoDir] });
    const sources = {};
    for (const loaded of parsed.files) {
      if (!isAbsolute(loaded)) continue; // google/protobuf/*.proto: bundled with protobufjs, not files
      const rel = relative(root, loaded);
      if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${file} imports ${loaded}, outside the package`);
      sources[rel.split('\\').join('/')] = digest(loaded);
    }
    const out = precompiledProtoPath(file);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ format: PRECOMPILED_PROTO_FORMAT, sources, root: parsed.toJSON() })}\n`);
  }
}
