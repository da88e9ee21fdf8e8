// The Reproduce section of a submission's README: exactly which conformal ran (version and package
// digest, or the commit of a source checkout), how to get that same conformal, and the command line.
// conformal is not assumed to be on a registry: `npx conformal@<version>` is offered only when the
// package that ran was installed from one.
import { quote } from 'zx';
import type { HarnessOrigin } from '../../src/core/harness-origin.js';
import type { RunResult } from '../../src/core/results.js';

const shellLine = (program: string, args: readonly string[]) => [program, ...args.map((arg) => quote(arg))].join(' ');

/**
 * The run's arguments, runnable from inside the submission folder: --product points at the copy
 * there, --out is dropped (a reviewer chooses where to write).
 */
export function reproduceArgs(run: RunResult): string[] {
  const args: string[] = [];
  for (let i = 0; i < run.command.length; i++) {
    const arg = run.command[i]!;
    if (arg === '--out') i++;
    else if (arg.startsWith('--out=')) continue;
    else if (arg === '--product') (args.push(arg, 'product.yaml'), i++);
    else if (arg.startsWith('--product=')) args.push('--product=product.yaml');
    else args.push(arg);
  }
  return args;
}

/** The exact command line of the run (argv quoted for a POSIX shell). */
export function originalCommand(run: RunResult): string {
  return shellLine('conformal', run.command);
}

/** npm's `sha512-<base64>` as the hex `sha512sum` prints. */
export function sha512Hex(integrity: string): string | undefined {
  const match = /^sha512-([A-Za-z0-9+/=]+)$/.exec(integrity);
  return match ? Buffer.from(match[1]!, 'base64').toString('hex') : undefined;
}

const commitText = (commit: string, modified: boolean) =>
  `commit \`${commit}\`${modified ? ' with uncommitted changes to tracked files (the commit alone does not hold the code that ran)' : ''}`;

function whatRan(origin: HarnessOrigin): string[] {
  const built = origin.builtFrom ? `, built from ${commitText(origin.builtFrom.commit, origin.builtFrom.modified)}` : '';
  const id = `${origin.name} ${origin.version}`;
  switch (origin.kind) {
    case 'package': {
      const hex = sha512Hex(origin.integrity);
      return [
        `${id}, installed by npm from ${origin.fromRegistry ? `the registry (\`${origin.source}\`)` : `the package tarball \`${origin.source}\``}${built}.`,
        `The tarball's digest, as npm checked it at install: integrity \`${origin.integrity}\`${hex ? ` (sha512 \`${hex}\`)` : ''}.`,
      ];
    }
    case 'checkout':
      return [
        `${id} run from a source checkout at ${commitText(origin.commit, origin.modified)}${origin.builtFrom && origin.builtFrom.commit !== origin.commit ? `; its compiled code (dist/) was built from commit \`${origin.builtFrom.commit}\`` : ''}.`,
        'It was not run from a package tarball, so there is no package digest.',
      ];
    case 'unknown':
      return [`${id} from a copy whose origin was not recorded (neither installed by npm nor a git checkout)${built}: no package digest or commit ties this run to a source.`];
  }
}

function howToGet(origin: HarnessOrigin): { steps: string[]; program: string } {
  const dir = `./${origin.name}-${origin.version}`;
  const installed = `${dir}/node_modules/.bin/${origin.name}`;
  if (origin.kind === 'package' && origin.fromRegistry) {
    return {
      steps: [`npm install --prefix ${dir} ${quote(`${origin.name}@${origin.version}`)}`, `# the integrity npm records must be the one above:`, `grep -A3 '"node_modules/${origin.name}"' ${dir}/node_modules/.package-lock.json`],
      program: installed,
    };
  }
  if (origin.kind === 'package') {
    const hex = sha512Hex(origin.integrity);
    const rebuild = origin.builtFrom ? ` (or pack it from ${origin.name}'s repository at commit ${origin.builtFrom.commit}: \`npm ci && npm pack\`; a rebuilt tarball is the same package only if its digest matches)` : '';
    return {
      steps: [
        `# ${origin.name} is not published to a registry: get ${origin.source} from the submitter${rebuild}`,
        ...(hex ? [`sha512sum ${quote(origin.source)}   # must print ${hex}`] : []),
        // The dependency tree the run used: the tarball's npm-shrinkwrap.json, through its install-root script.
        `mkdir -p ${dir} unpacked && tar -xzf ${quote(`./${origin.source}`)} -C unpacked`,
        `node unpacked/package/scripts/install-root.mjs --package unpacked/package --tarball ${quote(`./${origin.source}`)} --out ${dir}`,
        `(cd ${dir} && npm ci --omit=dev)`,
      ],
      program: installed,
    };
  }
  const commit = origin.kind === 'checkout' ? origin.commit : origin.builtFrom?.commit;
  return {
    steps: [
      `# a clone of ${origin.name}'s repository${commit ? `, at the commit above` : ''}`,
      `git clone <${origin.name} repository> ${origin.name}`,
      ...(commit ? [`git -C ${origin.name} checkout ${commit}`] : []),
      `(cd ${origin.name} && npm ci)`,
    ],
    program: `node ${origin.name}/bin/conformal.js`,
  };
}

/** The README's Reproduce section, as lines of markdown. */
export function reproduceSection(run: RunResult, origin: HarnessOrigin, target: string): string[] {
  const { steps, program } = howToGet(origin);
  return [
    '## Reproduce',
    '',
    '### What ran',
    '',
    ...whatRan(origin),
    '',
    '### Get the same conformal',
    '',
    '```sh',
    ...steps,
    '```',
    '',
    '### Run it',
    '',
    `Against the same ${target}, from this folder (the product file is \`product.yaml\` here):`,
    '',
    '```sh',
    shellLine(program, reproduceArgs(run)),
    '```',
    '',
    'The original command line was:',
    '',
    '```sh',
    originalCommand(run),
    '```',
    '',
  ];
}
