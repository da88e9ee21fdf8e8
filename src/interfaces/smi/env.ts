// What every smi test receives as ctx.env.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Traffic } from './traffic.js';
import type { SmiVersions } from './versions.js';

export interface SmiEnv {
  readonly kc: KubeConfig;
  /** Short id of the run; every object the suite creates carries it in a label. */
  readonly runId: string;
  /** The cluster is the embedded in-memory one with the reference mesh. */
  readonly embedded: boolean;
  readonly traffic: Traffic;
  /** Put on every meshed test namespace (the mesh's injection switch and --namespace-label). */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  readonly namespaceAnnotations: Readonly<Record<string, string>>;
  readonly serverImage: string;
  readonly clientImage: string;
  /** group -> versions the cluster serves, from discovery once per run. */
  readonly served: ReadonlyMap<string, readonly string[]>;
  /** The group/version each SMI API's objects are written in (versions.ts). */
  readonly versions: SmiVersions;
}
