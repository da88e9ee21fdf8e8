// Every command of the CLI. Modules are loaded lazily to keep startup fast; add one line per module.
import type { CommandModule } from '../context.js';

export const commandModules: ReadonlyArray<() => Promise<CommandModule>> = [
  () => import('./run.js'),
  () => import('./list.js'),
  () => import('./reference.js'),
  () => import('./upload.js'),
  () => import('./testgrid-config.js'),
  () => import('./certify.js'),
  () => import('./merge.js'),
  () => import('./report.js'),
  () => import('./sonobuoy-run.js'),
  () => import('./kube.js'),
  () => import('./bench.js'),
];
