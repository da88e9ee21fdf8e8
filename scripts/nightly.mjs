#!/usr/bin/env node
// Nightly (or CI) driver: runs every configured job's suite into a fresh testgrid build dir,
// uploads each build, and exits with the worst outcome:
//   0 every job passed · 1 a test failed · 3 a job could not run (bad flags, unreachable target,
//   harness error) or an upload failed. 2 only for bad arguments to this script.
//
//   node scripts/nightly.mjs [--targets nightly.yaml] [--to gs://bucket/logs | file:///srv/logs]
//                            [--work DIR] [--gcs-endpoint URL]
//
// nightly.yaml:
//   jobs:
//     - job: csi-acme-nightly           # folder under --to; testgrid's test group
//       interface: csi
//       args: [--endpoint, unix:///run/csi/csi.sock]
// Without --targets every interface runs against its embedded reference (job conformal-<iface>-reference).
import { $, fs, parseArgv, path } from 'zx';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'bin', 'conformal.js');
const { interfaceNames } = await import(path.join(root, 'dist', 'src', 'interfaces', 'registry.js'));
const { allocateBuildDir } = await import(path.join(root, 'dist', 'reporters', 'testgrid', 'build-dir.js'));

const targetsSchema = z
  .object({
    jobs: z
      .array(
        z
          .object({
            job: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-"'),
            interface: z.enum(interfaceNames()),
            args: z.array(z.string()).default([]),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

function usage(message) {
  console.error(`nightly: ${message}`);
  process.exit(2);
}

const argv = parseArgv(process.argv.slice(2), { string: ['targets', 'to', 'work', 'gcs-endpoint'], boolean: ['help'] });
if (argv.help) {
  console.log('usage: node scripts/nightly.mjs [--targets nightly.yaml] [--to gs://bucket/logs|file:///dir] [--work DIR] [--gcs-endpoint URL]');
  process.exit(0);
}
const unknown = Object.keys(argv).filter((key) => !['_', 'targets', 'to', 'work', 'gcs-endpoint', 'gcsEndpoint', 'help'].includes(key));
if (unknown.length > 0 || argv._.length > 0) usage(`unknown argument(s): ${[...unknown.map((k) => `--${k}`), ...argv._].join(' ')}`);
if (argv.to && !/^(gs|file):\/\//.test(argv.to)) usage(`--to ${argv.to}: expected gs://<bucket>/<path> or file:///<dir>`);

let jobs;
if (argv.targets) {
  let data;
  try {
    data = parseYaml(await fs.readFile(argv.targets, 'utf8'));
  } catch (error) {
    usage(`--targets ${argv.targets}: ${error.message.split('\n')[0]}`);
  }
  const parsed = targetsSchema.safeParse(data);
  if (!parsed.success) usage(`--targets ${argv.targets}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
  jobs = parsed.data.jobs;
} else {
  jobs = interfaceNames().map((name) => ({ job: `conformal-${name}-reference`, interface: name, args: [] }));
}

const work = path.resolve(argv.work ?? path.join(process.cwd(), 'nightly'));
$.verbose = false;
$.nothrow = true;

let worst = 0;
const rank = (code) => (code === 0 ? 0 : code === 1 ? 1 : 3);
for (const job of jobs) {
  const buildDir = await allocateBuildDir(path.join(work, job.job), new Date());
  // argv array through zx: every element is quoted, nothing is interpolated into a shell string.
  const run = await $`${process.execPath} ${cli} run ${job.interface} ${job.args} --report-dir ${buildDir} --quiet`;
  let code = run.exitCode ?? 3;
  console.log(`${job.job}: ${job.interface} exited ${code} (${code === 0 ? 'passed' : code === 1 ? 'tests failed' : 'could not run'}) -> ${buildDir}`);
  if (code > 1) console.error(run.stderr.trim());
  if (argv.to && (await fs.pathExists(path.join(buildDir, 'started.json')))) {
    const endpoint = argv['gcs-endpoint'] ? ['--gcs-endpoint', argv['gcs-endpoint']] : [];
    const upload = await $`${process.execPath} ${cli} upload ${buildDir} --to ${`${argv.to.replace(/\/+$/, '')}/${job.job}`} ${endpoint}`;
    if (upload.exitCode !== 0) {
      console.error(`${job.job}: upload failed: ${upload.stderr.trim()}`);
      code = 3;
    } else {
      console.log(`${job.job}: ${upload.stdout.trim().split('\n').at(-1)}`);
    }
  }
  worst = Math.max(worst, rank(code));
}
process.exit(worst);
