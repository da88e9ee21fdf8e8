// Checks of the capi options that need nothing but the options and the template files (exit 2,
// naming the flag). Answers the template specs read from the files.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from '../../core/errors.js';
import { validateKubeTarget } from '../../kube-kit/target.js';
import { checkedBootstrap, checkedInfrastructure, type CapiOptions } from './options.js';

export interface TemplateSpecs {
  readonly cluster: Record<string, unknown>;
  readonly machine: Record<string, unknown>;
  readonly bootstrap: Record<string, unknown>;
}

/** A YAML file holding a spec, or a whole object whose spec is taken. */
function readSpec(file: string | undefined, flag: string): Record<string, unknown> {
  if (!file) return {};
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${flag} ${file}: ${(error as Error).message}`, { field: flag, cause: error });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${flag} ${file}: expected a YAML mapping (a spec, or an object with a spec)`, { field: flag });
  const object = doc as Record<string, unknown>;
  if ('kind' in object || 'apiVersion' in object) {
    const spec = object.spec ?? {};
    if (typeof spec !== 'object' || Array.isArray(spec)) throw new UsageError(`${flag} ${file}: spec is not a mapping`, { field: flag });
    return spec as Record<string, unknown>;
  }
  return object;
}

export function validateCapiOptions(options: CapiOptions): TemplateSpecs {
  validateKubeTarget(options);
  const external = options.kubeconfig || options.inCluster;
  if (options.referenceFault && external) throw new UsageError('--reference-fault applies to the embedded reference only; drop --kubeconfig/--in-cluster', { field: '--reference-fault' });
  if (options.infrastructure) checkedInfrastructure(options.infrastructure);
  if (options.bootstrap) checkedBootstrap(options.bootstrap);
  if (!external) {
    for (const [value, flag] of [[options.infrastructure, '--infrastructure'], [options.bootstrap, '--bootstrap']] as const) {
      if (value) throw new UsageError(`${flag} needs --kubeconfig or --in-cluster: the embedded cluster brings its own reference providers`, { field: flag });
    }
  }
  if ((options.clusterTemplate || options.machineTemplate) && external && !options.infrastructure) {
    throw new UsageError('--cluster-template and --machine-template need --infrastructure naming the kinds they are specs of', { field: options.clusterTemplate ? '--cluster-template' : '--machine-template' });
  }
  if (options.bootstrapTemplate && external && !options.bootstrap) throw new UsageError('--bootstrap-template needs --bootstrap', { field: '--bootstrap-template' });
  return {
    cluster: readSpec(options.clusterTemplate, '--cluster-template'),
    machine: readSpec(options.machineTemplate, '--machine-template'),
    bootstrap: readSpec(options.bootstrapTemplate, '--bootstrap-template'),
  };
}
