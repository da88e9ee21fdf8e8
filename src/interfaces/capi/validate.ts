// Checks of the capi options that need nothing but the options and the template files (exit 2,
// naming the flag). Answers the template specs read from the files.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from '../../core/errors.js';
import { validateKubeTarget } from '../../kube-kit/target.js';
import { capiFaultPredicate } from '../../reference/capi/faults.js';
import { checkedBootstrap, checkedControlPlane, checkedInfrastructure, type CapiOptions } from './options.js';

/** The labels and annotations a whole-object template carries: put on every object made from it. */
export interface TemplateMeta {
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface TemplateSpecs {
  readonly cluster: Record<string, unknown>;
  readonly machine: Record<string, unknown>;
  readonly bootstrap: Record<string, unknown>;
  readonly clusterMeta: TemplateMeta;
  readonly machineMeta: TemplateMeta;
  readonly controlPlane: Record<string, unknown>;
  readonly controlPlaneMeta: TemplateMeta;
}

/** A YAML file holding a spec, or a whole object whose spec is taken. */
function readSpec(file: string | undefined, flag: string): Record<string, unknown> {
  return readTemplate(file, flag).spec;
}

function stringMap(value: unknown, what: string, flag: string, file: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) throw new UsageError(`${flag} ${file}: ${what} is not a map of strings`, { field: flag });
  return value as Record<string, string>;
}

/** A template file: its spec, and the labels and annotations of a whole object (name and namespace are conformal's). */
function readTemplate(file: string | undefined, flag: string): { spec: Record<string, unknown>; meta: TemplateMeta } {
  if (!file) return { spec: {}, meta: {} };
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${flag} ${file}: ${(error as Error).message}`, { field: flag, cause: error });
  }
  if (doc === null || doc === undefined) return { spec: {}, meta: {} };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`${flag} ${file}: expected a YAML mapping (a spec, or an object with a spec)`, { field: flag });
  const object = doc as Record<string, unknown>;
  if ('kind' in object || 'apiVersion' in object) {
    const spec = object.spec ?? {};
    if (typeof spec !== 'object' || Array.isArray(spec)) throw new UsageError(`${flag} ${file}: spec is not a mapping`, { field: flag });
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    const labels = stringMap(metadata.labels, 'metadata.labels', flag, file);
    const annotations = stringMap(metadata.annotations, 'metadata.annotations', flag, file);
    return { spec: spec as Record<string, unknown>, meta: { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) } };
  }
  return { spec: object, meta: {} };
}

export function validateCapiOptions(options: CapiOptions): TemplateSpecs {
  validateKubeTarget(options);
  const external = options.kubeconfig || options.inCluster;
  if (options.referenceFault && external) throw new UsageError('--reference-fault applies to the embedded reference only; drop --kubeconfig/--in-cluster', { field: '--reference-fault' });
  if (options.contract && external) throw new UsageError("--contract applies to the embedded reference only: an external provider's contract is read from its CRD labels (cluster.x-k8s.io/v1beta2 or cluster.x-k8s.io/v1beta1)", { field: '--contract' });
  if (options.referenceFault) capiFaultPredicate(options.referenceFault, options.contract);
  if (options.infrastructure) checkedInfrastructure(options.infrastructure);
  if (options.bootstrap) checkedBootstrap(options.bootstrap);
  if (options.controlPlane) checkedControlPlane(options.controlPlane);
  if (!external) {
    for (const [value, flag] of [[options.infrastructure, '--infrastructure'], [options.bootstrap, '--bootstrap'], [options.controlPlane, '--control-plane']] as const) {
      if (value) throw new UsageError(`${flag} needs --kubeconfig or --in-cluster: the embedded cluster brings its own reference providers`, { field: flag });
    }
  }
  if ((options.clusterTemplate || options.machineTemplate) && external && !options.infrastructure) {
    throw new UsageError('--cluster-template and --machine-template need --infrastructure naming the kinds they are specs of', { field: options.clusterTemplate ? '--cluster-template' : '--machine-template' });
  }
  if (options.bootstrapTemplate && external && !options.bootstrap) throw new UsageError('--bootstrap-template needs --bootstrap', { field: '--bootstrap-template' });
  if (options.controlPlaneTemplate && external && !options.controlPlane) throw new UsageError('--control-plane-template needs --control-plane', { field: '--control-plane-template' });
  const controlPlane = readTemplate(options.controlPlaneTemplate, '--control-plane-template');
  const cluster = readTemplate(options.clusterTemplate, '--cluster-template');
  const machine = readTemplate(options.machineTemplate, '--machine-template');
  return { cluster: cluster.spec, machine: machine.spec, bootstrap: readSpec(options.bootstrapTemplate, '--bootstrap-template'), clusterMeta: cluster.meta, machineMeta: machine.meta, controlPlane: controlPlane.spec, controlPlaneMeta: controlPlane.meta };
}
