// The built-in resource types this server serves: the ones the SMI, cloud-provider and Cluster API
// suites touch. Objects only: nothing schedules pods or runs controllers besides garbage collection.
import { isDeepStrictEqual } from 'node:util';
import { eventFromStorage, eventToStorage } from './events.js';
import { endpointsValidate } from './endpoints.js';
import { immutable, isObject, list, path, record, required, setDefault, setDefaultPointer } from './field-rules.js';
import { nodeDefaults, nodePrepareCreate, nodeValidate, nodeValidateUpdate } from './nodes.js';
import { podDefaults, podPrepareCreate, podTolerations, workloadDefaults } from './pods.js';
import { serviceDefaults, ServiceAllocator, servicePrepareCreate, servicePrepareUpdate, serviceValidate, serviceValidateStatus, serviceValidateUpdate } from './services.js';
import type { FieldError } from './status.js';
import { humanDuration } from './table.js';
import type { KubeObject, PrinterColumn, ResourceType, ResourceVersion } from './types.js';

interface BuiltinSpec {
  group?: string;
  unconditionalUpdate?: false;
  version?: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  status?: boolean;
  scale?: boolean;
  generation?: boolean;
  columns?: PrinterColumn[];
  /** Append the usual Age column (default true). */
  age?: boolean;
  /** Start tables with Name (default true). */
  nameColumn?: boolean;
  deprecationWarning?: string;
  /** Its kube-apiserver strategy runs declarative validation (default true; not CRDs or APIServices). */
  declarativeValidation?: false;
  hooks?: Partial<Pick<ResourceType, 'defaults' | 'prepareCreate' | 'prepareUpdate' | 'prepareStatus' | 'validate' | 'validateUpdate' | 'validateStatus' | 'normalize' | 'storedAs' | 'allocate'>>;
}

/** Built-in printers declare Age as a string column and fill it with the humanized age. */
const AGE: PrinterColumn = {
  name: 'Age',
  type: 'string',
  cell: (o) => (o.metadata.creationTimestamp ? humanDuration(Date.now() - Date.parse(o.metadata.creationTimestamp)) : '<unknown>'),
};

function build(spec: BuiltinSpec): ResourceType {
  const version: ResourceVersion = {
    name: spec.version ?? 'v1',
    served: true,
    storage: true,
    status: spec.status ?? false,
    columns: [...(spec.columns ?? []), ...(spec.age === false ? [] : [AGE])],
  };
  if (spec.nameColumn === false) version.nameColumn = false;
  if (spec.deprecationWarning) version.deprecationWarning = spec.deprecationWarning;
  if (spec.scale) version.scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };
  return {
    group: spec.group ?? '',
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.kind.toLowerCase(),
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    versions: [version],
    generation: spec.generation ?? false,
    builtin: true,
    ...(spec.declarativeValidation === false ? {} : { distinctFieldErrors: true }),
    ...(spec.unconditionalUpdate === false ? { unconditionalUpdate: false } : {}),
    ...spec.hooks,
  };
}

/** SetDefaults_Namespace and _NamespaceStatus (every write). */
const namespaceDefaults = (obj: KubeObject): void => {
  const name = obj.metadata.name ?? '';
  if (name) obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': name };
  setDefault(record(obj, 'status'), 'phase', 'Active');
};

/** On create a namespace is Active and carries the "kubernetes" finalizer. */
const namespacePrepareCreate = (obj: KubeObject): void => {
  obj.status = { phase: 'Active' };
  const spec = record(obj, 'spec');
  const finalizers = Array.isArray(spec.finalizers) ? (spec.finalizers as string[]) : [];
  if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
};

const workloadValidate = (obj: KubeObject): FieldError[] => {
  const errors: FieldError[] = [];
  const selector = path(obj, 'spec', 'selector', 'matchLabels') as Record<string, string> | undefined;
  if (!path(obj, 'spec', 'selector')) errors.push(required('spec.selector'));
  const labels = (path(obj, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<string, string>;
  if (selector && Object.entries(selector).some(([k, v]) => labels[k] !== v)) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.template.metadata.labels', value: labels, detail: '`selector` does not match template `labels`' });
  }
  return errors;
};

const podValidate = (obj: KubeObject): FieldError[] => {
  const containers = path(obj, 'spec', 'containers');
  if (!Array.isArray(containers) || containers.length === 0) return [required('spec.containers')];
  const errors: FieldError[] = [];
  containers.forEach((c: unknown, i) => {
    if (!path(c, 'name')) errors.push(required(`spec.containers[${i}].name`));
    if (!path(c, 'image')) errors.push(required(`spec.containers[${i}].image`));
  });
  return errors;
};

/** Status writes to a pod may not touch its owner references (old kubelets corrupted them). */
const podPrepareStatus = (next: KubeObject, old: KubeObject): void => {
  if (old.metadata.ownerReferences) next.metadata.ownerReferences = old.metadata.ownerReferences;
  else delete next.metadata.ownerReferences;
  const status = record(next, 'status');
  if (!status.qosClass && isObject(old.status) && old.status.qosClass) status.qosClass = old.status.qosClass;
};

/** Status writes to a deployment keep its labels. */
const deploymentPrepareStatus = (next: KubeObject, old: KubeObject): void => {
  if (old.metadata.labels) next.metadata.labels = old.metadata.labels;
  else delete next.metadata.labels;
};

const count = (o: KubeObject, ...keys: string[]) => Number(path(o, ...keys) ?? 0);

// The columns kube-apiserver's own printers show (kubectl get), without the wide ones.
/** The CRD printer's Versions cell: served versions, the storage one marked, sorted as Go sorts strings. */
const servedVersions = (o: KubeObject): string => {
  const versions = ((o.spec as { versions?: { name: string; served?: boolean; storage?: boolean }[] } | undefined)?.versions ?? [])
    .filter((v) => v.served)
    .map((v) => (v.storage ? `${v.name}(storage)` : v.name));
  return versions.sort().join(',');
};

const deploymentColumns: PrinterColumn[] = [
  { name: 'Ready', type: 'string', cell: (o) => `${count(o, 'status', 'readyReplicas')}/${count(o, 'spec', 'replicas')}` },
  { name: 'Up-to-date', type: 'string', cell: (o) => count(o, 'status', 'updatedReplicas') },
  { name: 'Available', type: 'string', cell: (o) => count(o, 'status', 'availableReplicas') },
];

const selectorImmutable = (old: KubeObject, next: KubeObject): FieldError[] => immutable('spec.selector', path(old, 'spec', 'selector'), path(next, 'spec', 'selector'));

/** ConfigMaps and Secrets marked immutable keep their data and the mark. */
const immutableData = (old: KubeObject, next: KubeObject): FieldError[] => {
  if (old.immutable !== true) return [];
  const errors: FieldError[] = [];
  if (next.immutable !== true) errors.push({ type: 'FieldValueForbidden', field: 'immutable', detail: 'field is immutable when `immutable` is set' });
  for (const field of ['data', 'binaryData']) {
    if (!isDeepStrictEqual(old[field], next[field])) errors.push({ type: 'FieldValueForbidden', field, detail: 'field is immutable when `immutable` is set' });
  }
  return errors;
};

const nodeColumns: PrinterColumn[] = [
  {
    name: 'Status',
    type: 'string',
    cell: (o) => {
      const ready = ((path(o, 'status', 'conditions') ?? []) as { type: string; status: string }[]).find((c) => c.type === 'Ready');
      const state = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
      return path(o, 'spec', 'unschedulable') === true ? `${state},SchedulingDisabled` : state;
    },
  },
  {
    name: 'Roles',
    type: 'string',
    cell: (o) => {
      const roles = Object.keys(o.metadata.labels ?? {}).filter((l) => l.startsWith('node-role.kubernetes.io/')).map((l) => l.slice('node-role.kubernetes.io/'.length)).sort();
      return roles.length > 0 ? roles.join(',') : '<none>';
    },
  },
  AGE,
  { name: 'Version', type: 'string', cell: (o) => String(path(o, 'status', 'nodeInfo', 'kubeletVersion') ?? '') },
];

const endpointsColumns: PrinterColumn[] = [
  {
    name: 'Endpoints',
    type: 'string',
    cell: (o) => {
      const subsets = (o.subsets ?? []) as { addresses?: { ip: string }[]; ports?: { port: number }[] }[];
      const pairs = subsets.flatMap((s) => (s.addresses ?? []).flatMap((a) => ((s.ports ?? []).length > 0 ? s.ports!.map((p) => `${a.ip}:${p.port}`) : [a.ip])));
      if (pairs.length === 0) return '<none>';
      return pairs.length > 3 ? `${pairs.slice(0, 3).join(',')} + ${pairs.length - 3} more...` : pairs.join(',');
    },
  },
];

const sliceColumns: PrinterColumn[] = [
  { name: 'AddressType', type: 'string', jsonPath: '.addressType' },
  {
    name: 'Ports',
    type: 'string',
    cell: (o) => {
      const ports = ((o.ports ?? []) as { port?: number }[]).map((p) => (p.port === undefined ? '<unset>' : String(p.port)));
      return ports.length === 0 ? '<unset>' : ports.join(',');
    },
  },
  {
    name: 'Endpoints',
    type: 'string',
    cell: (o) => {
      const addresses = ((o.endpoints ?? []) as { addresses?: string[] }[]).flatMap((e) => e.addresses ?? []);
      if (addresses.length === 0) return '<unset>';
      return addresses.length > 3 ? `${addresses.slice(0, 3).join(',')} + ${addresses.length - 3} more...` : addresses.join(',');
    },
  },
];

/** Events print what happened, not a name: Last Seen, Type, Reason, Object, Message. */
function eventColumns(core: boolean): PrinterColumn[] {
  const at = (o: KubeObject): string | undefined =>
    (core
      ? (path(o, 'series', 'lastObservedTime') ?? o.lastTimestamp ?? o.eventTime)
      : (path(o, 'series', 'lastObservedTime') ?? o.deprecatedLastTimestamp ?? o.eventTime)) as string | undefined ?? o.metadata.creationTimestamp;
  const regarding = (o: KubeObject) => (core ? o.involvedObject : o.regarding) as { kind?: string; name?: string } | undefined;
  return [
    { name: 'Last Seen', type: 'string', cell: (o) => { const t = at(o); return t ? humanDuration(Date.now() - Date.parse(t)) : '<unknown>'; } },
    { name: 'Type', type: 'string', cell: (o) => String(o.type ?? '') },
    { name: 'Reason', type: 'string', cell: (o) => String(o.reason ?? '') },
    { name: 'Object', type: 'string', cell: (o) => { const r = regarding(o); return `${String(r?.kind ?? '').toLowerCase()}/${r?.name ?? ''}`; } },
    { name: 'Message', type: 'string', cell: (o) => String((core ? o.message : o.note) ?? '').trim() },
  ];
}

const replicaSetColumns: PrinterColumn[] = [
  { name: 'Desired', type: 'integer', cell: (o) => count(o, 'spec', 'replicas') },
  { name: 'Current', type: 'integer', cell: (o) => count(o, 'status', 'replicas') },
  { name: 'Ready', type: 'integer', cell: (o) => count(o, 'status', 'readyReplicas') },
];

const podColumns: PrinterColumn[] = [
  {
    name: 'Ready',
    type: 'string',
    cell: (o) => {
      const statuses = (path(o, 'status', 'containerStatuses') ?? []) as { ready?: boolean }[];
      const total = ((path(o, 'spec', 'containers') ?? []) as unknown[]).length;
      return `${statuses.filter((c) => c.ready).length}/${total}`;
    },
  },
  { name: 'Status', type: 'string', jsonPath: '.status.phase' },
  {
    name: 'Restarts',
    type: 'string',
    cell: (o) => String(((path(o, 'status', 'containerStatuses') ?? []) as { restartCount?: number }[]).reduce((sum, c) => sum + (c.restartCount ?? 0), 0)),
  },
];

const serviceColumns: PrinterColumn[] = [
  { name: 'Type', type: 'string', jsonPath: '.spec.type' },
  { name: 'Cluster-IP', type: 'string', jsonPath: '.spec.clusterIP' },
  {
    name: 'External-IP',
    type: 'string',
    cell: (o) => {
      const ingress = ((path(o, 'status', 'loadBalancer', 'ingress') ?? []) as { ip?: string; hostname?: string }[]).map((i) => i.ip ?? i.hostname).filter(Boolean);
      const external = (path(o, 'spec', 'externalIPs') ?? []) as string[];
      const all = [...ingress, ...external];
      if (all.length > 0) return all.join(',');
      return path(o, 'spec', 'type') === 'LoadBalancer' ? '<pending>' : '<none>';
    },
  },
  {
    name: 'Port(s)',
    type: 'string',
    cell: (o) => {
      const ports = (path(o, 'spec', 'ports') ?? []) as { port: number; nodePort?: number; protocol?: string }[];
      return ports.length === 0 ? '<none>' : ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
    },
  },
];

/** Who the bearer token is: the one admin (kube-apiserver's token file gives it the same groups). */
export const IDENTITY = { username: 'conformal-admin', uid: 'conformal-admin', groups: ['system:masters', 'system:authenticated'] };

function reviewType(group: string, kind: string, plural: string, answer: (body: KubeObject) => Record<string, unknown>, stamped: boolean): ResourceType {
  const type = build({ group, kind, plural, namespaced: false, age: false });
  type.verbs = ['create'];
  // kube-apiserver stamps a creation time on whoami answers but not on access reviews.
  // A zero creationTimestamp is left out (1.37's apimachinery tags it omitzero; 1.32 wrote null).
  const metadata = () => (stamped ? { creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } : {}) as KubeObject['metadata'];
  type.review = (body) => ({ apiVersion: body.apiVersion, kind: body.kind, metadata: metadata(), ...answer(body) });
  return type;
}

/** SetDefaults_Endpoints and discovery's SetDefaults_EndpointPort: ports are TCP unless said otherwise. */
const endpointsDefaults = (o: KubeObject): void => {
  for (const subset of list(o.subsets)) for (const port of list(subset.ports)) setDefault(port, 'protocol', 'TCP');
};
const sliceDefaults = (o: KubeObject): void => {
  for (const port of list(o.ports)) {
    setDefaultPointer(port, 'name', '');
    setDefaultPointer(port, 'protocol', 'TCP');
  }
};

export function builtinTypes(): ResourceType[] {
  const services = new ServiceAllocator();
  return [
    // There is no authorization: the token may do everything, which is what these reviews say.
    reviewType('authorization.k8s.io', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', (body) => ({ spec: body.spec ?? {}, status: { allowed: true } }), false),
    reviewType('authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews', () => ({ status: { userInfo: IDENTITY } }), true),
    build({ kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], status: true,
      hooks: { defaults: namespaceDefaults, prepareCreate: namespacePrepareCreate },
      columns: [{ name: 'Status', type: 'string', jsonPath: '.status.phase' }] }),
    build({ kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], status: true, columns: nodeColumns, age: false,
      hooks: { defaults: nodeDefaults, prepareCreate: nodePrepareCreate, validate: nodeValidate, validateUpdate: nodeValidateUpdate, validateStatus: (next, old) => [...nodeValidate(next), ...nodeValidateUpdate(old, next)] } }),
    build({ kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'], categories: ['all'], status: true, columns: serviceColumns,
      hooks: {
        defaults: serviceDefaults, prepareCreate: servicePrepareCreate, prepareUpdate: servicePrepareUpdate, validate: serviceValidate,
        validateUpdate: serviceValidateUpdate, validateStatus: serviceValidateStatus, allocate: (obj, old, peers) => services.allocate(obj, old, peers),
      } }),
    build({ kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'], columns: endpointsColumns, hooks: { defaults: endpointsDefaults, validate: endpointsValidate },
      // k8s.io/api's lifecycle marks: deprecated in 1.33, replaced by EndpointSlice (deprecation.WarningMessage's words).
      deprecationWarning: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice' }),
    build({ group: 'discovery.k8s.io', kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true, columns: sliceColumns, hooks: { defaults: sliceDefaults } }),
    build({ kind: 'Pod', plural: 'pods', namespaced: true, shortNames: ['po'], categories: ['all'], status: true, columns: podColumns,
      hooks: { defaults: podDefaults, prepareCreate: podPrepareCreate, prepareUpdate: podTolerations, prepareStatus: podPrepareStatus, validate: podValidate } }),
    build({ kind: 'Secret', plural: 'secrets', namespaced: true,
      hooks: {
        defaults: (o) => setDefault(o, 'type', 'Opaque'),
        validateUpdate: (old, next) => [...immutable('type', old.type, next.type), ...immutableData(old, next)],
        // stringData is write-only: merged into data (base64) and never stored.
        normalize: (o) => {
          if (o.stringData === null || typeof o.stringData !== 'object') return;
          const data = { ...((o.data ?? {}) as Record<string, string>) };
          for (const [k, v] of Object.entries(o.stringData as Record<string, string>)) data[k] = Buffer.from(String(v)).toString('base64');
          o.data = data;
          delete o.stringData;
        },
      },
      columns: [
        { name: 'Type', type: 'string', jsonPath: '.type' },
        { name: 'Data', type: 'string', cell: (o) => Object.keys((o.data ?? {}) as object).length },
      ] }),
    build({ kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'], hooks: { validateUpdate: immutableData },
      columns: [{ name: 'Data', type: 'string', cell: (o) => Object.keys((o.data ?? {}) as object).length + Object.keys((o.binaryData ?? {}) as object).length }] }),
    // Kubernetes 1.37's printer has no Secrets column (1.32's had one).
    build({ kind: 'ServiceAccount', plural: 'serviceaccounts', namespaced: true, shortNames: ['sa'], columns: [] }),
    build({ kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'], columns: eventColumns(true), age: false, nameColumn: false }),
    build({ group: 'events.k8s.io', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'], columns: eventColumns(false), age: false, nameColumn: false,
      hooks: { storedAs: { key: '/events', toStorage: eventToStorage, fromStorage: eventFromStorage } } }),
    // kube-apiserver's lease strategy refuses updates without a resourceVersion (leader election relies on it).
    build({ group: 'coordination.k8s.io', kind: 'Lease', plural: 'leases', namespaced: true, unconditionalUpdate: false,
      columns: [{ name: 'Holder', type: 'string', jsonPath: '.spec.holderIdentity' }] }),
    build({ group: 'apps', kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], categories: ['all'],
      status: true, scale: true, generation: true, columns: deploymentColumns,
      hooks: { defaults: workloadDefaults(true), prepareCreate: (o) => void (o.status = {}), prepareStatus: deploymentPrepareStatus, validate: workloadValidate, validateUpdate: selectorImmutable } }),
    build({ group: 'apps', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, shortNames: ['rs'], categories: ['all'],
      status: true, scale: true, generation: true, columns: replicaSetColumns,
      hooks: { defaults: workloadDefaults(false), prepareCreate: (o) => void (o.status = {}), validate: workloadValidate, validateUpdate: selectorImmutable } }),
    // Registration only: src/kube/aggregator.ts proxies a service-backed group/version to its server.
    build({ group: 'apiregistration.k8s.io', kind: 'APIService', plural: 'apiservices', namespaced: false, status: true, declarativeValidation: false,
      columns: [{ name: 'Service', type: 'string', cell: (o) => { const s = (o.spec as { service?: { namespace?: string; name?: string } } | undefined)?.service; return s ? `${s.namespace}/${s.name}` : 'Local'; } }] }),
    build({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false,
      shortNames: ['crd', 'crds'], status: true, generation: true, age: false, declarativeValidation: false,
      // apiextensions-apiserver's CRD printer: scope, served versions, and the creation time itself, not an age.
      columns: [
        { name: 'Scope', type: 'string', description: 'Cluster/Namespaced', cell: (o) => (o.spec as { scope?: string } | undefined)?.scope ?? '' },
        { name: 'Versions', type: 'string', description: 'Served versions', cell: servedVersions },
        { name: 'Created At', type: 'date', cell: (o) => o.metadata.creationTimestamp },
      ] }),
  ];
}
