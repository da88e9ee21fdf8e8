// Every command of the CLI, by the name it registers. Only the module of the command named in
// argv is imported (the others cost startup time for nothing); help and unknown commands load all.
import type { CommandModule } from '../context.js';

export const commandModules: Readonly<Record<string, () => Promise<CommandModule>>> = {
  run: () => import('./run.js'),
  list: () => import('./list.js'),
  reference: () => import('./reference.js'),
  upload: () => import('./upload.js'),
  'testgrid-config': () => import('./testgrid-config.js'),
  certify: () => import('./certify.js'),
  merge: () => import('./merge.js'),
  report: () => import('./report.js'),
  'sonobuoy-run': () => import('./sonobuoy-run.js'),
  kube: () => import('./kube.js'),
  bench: () => import('./bench.js'),
};

/** The modules to register for these arguments (argv without node and script). */
export function commandsFor(args: readonly string[]): ReadonlyArray<() => Promise<CommandModule>> {
  const named = args.find((arg) => !arg.startsWith('-'));
  const only = named !== undefined && Object.hasOwn(commandModules, named) ? commandModules[named] : undefined;
  return only ? [only] : Object.values(commandModules);
}
