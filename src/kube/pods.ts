// Pods and pod templates as kube-apiserver defaults them (SetDefaults_Pod, _PodSpec, _Container,
// _Volume, _Probe …, run on every decoded body) and what a pod gets on create (status Pending
// with its QoS class; the Priority and DefaultTolerationSeconds admission plugins).
import { isObject, list, path, record, setDefault, setDefaultPointer, type Obj } from './field-rules.js';
import type { KubeObject } from './types.js';

function probeDefaults(probe: unknown): void {
  if (!isObject(probe)) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  handlerDefaults(probe);
  if (isObject(probe.grpc)) setDefaultPointer(probe.grpc, 'service', '');
}

function handlerDefaults(handler: unknown): void {
  if (!isObject(handler) || !isObject(handler.httpGet)) return;
  setDefault(handler.httpGet, 'path', '/');
  setDefault(handler.httpGet, 'scheme', 'HTTP');
}

/** The image's tag is "latest" when it has none and no digest (ParseImageName). */
function pullPolicy(image: string): string {
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  if (image.includes('@')) return 'IfNotPresent';
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function containerDefaults(c: Obj): void {
  setDefault(c, 'imagePullPolicy', pullPolicy(String(c.image ?? '')));
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  for (const port of list(c.ports)) setDefault(port, 'protocol', 'TCP');
  for (const env of list(c.env)) {
    const fieldRef = path(env, 'valueFrom', 'fieldRef');
    if (isObject(fieldRef)) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  probeDefaults(c.livenessProbe);
  probeDefaults(c.readinessProbe);
  probeDefaults(c.startupProbe);
  if (isObject(c.lifecycle)) {
    handlerDefaults(c.lifecycle.postStart);
    handlerDefaults(c.lifecycle.preStop);
  }
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim', 'rbd',
  'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk',
  'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function volumeDefaults(volume: Obj): void {
  if (!VOLUME_SOURCES.some((source) => isObject(volume[source]))) volume.emptyDir = {};
  for (const source of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    if (isObject(volume[source])) setDefaultPointer(volume[source], 'defaultMode', 420);
  }
  if (isObject(volume.hostPath)) setDefaultPointer(volume.hostPath, 'type', '');
}

/** SetDefaults_PodSpec and what it reaches (containers, volumes): pods and pod templates alike. */
export function podSpecDefaults(spec: Obj): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'restartPolicy', 'Always');
  setDefaultPointer(spec, 'securityContext', {});
  setDefaultPointer(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const c of [...list(spec.initContainers), ...list(spec.containers), ...list(spec.ephemeralContainers)]) containerDefaults(c);
  for (const volume of list(spec.volumes)) volumeDefaults(volume);
}

/** SetDefaults_Pod on top of the spec's: requests from limits, service links on. */
export function podDefaults(pod: KubeObject): void {
  const spec = record(pod, 'spec');
  podSpecDefaults(spec);
  for (const c of [...list(spec.containers), ...list(spec.initContainers)]) {
    const resources = record(c, 'resources');
    if (!isObject(resources.limits)) continue;
    const requests = record(resources, 'requests');
    for (const [name, value] of Object.entries(resources.limits)) if (!(name in requests)) requests[name] = value;
  }
  setDefaultPointer(spec, 'enableServiceLinks', true);
}

const MULTIPLIERS: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };

/** A quantity's value, close enough to compare and to tell zero from positive. */
export function quantityValue(text: string): number {
  const m = /^([+-]?[0-9.]+)(?:([eE][-+]?[0-9]+)|([a-zA-Z]*))$/.exec(text.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * (m[2] ? 10 ** Number(m[2].slice(1)) : (MULTIPLIERS[m[3] ?? ''] ?? Number.NaN));
}

/** ComputePodQOS over cpu and memory of the containers and init containers. */
function qosClass(spec: Obj): string {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...list(spec.containers), ...list(spec.initContainers)]) {
    const add = (into: Map<string, number>, values: unknown, found?: Set<string>) => {
      for (const [name, q] of Object.entries(isObject(values) ? values : {})) {
        if (name !== 'cpu' && name !== 'memory') continue;
        const v = quantityValue(String(q));
        if (!(v > 0)) continue;
        found?.add(name);
        into.set(name, (into.get(name) ?? 0) + v);
      }
    };
    add(requests, path(c, 'resources', 'requests'));
    const found = new Set<string>();
    add(limits, path(c, 'resources', 'limits'), found);
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) for (const [name, v] of requests) if (limits.get(name) !== v) guaranteed = false;
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

const NO_EXECUTE_TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** PrepareForCreate plus the default admission plugins that touch pods. */
export function podPrepareCreate(pod: KubeObject): void {
  const spec = record(pod, 'spec');
  pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
  // Priority admission: no PriorityClass named and no global default class.
  if (!spec.priorityClassName) {
    setDefaultPointer(spec, 'priority', 0);
    setDefaultPointer(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  }
  podTolerations(pod);
}

/** The DefaultTolerationSeconds admission plugin (create and update): 300 s on nodes that are not ready or unreachable. */
export function podTolerations(pod: KubeObject): void {
  const spec = record(pod, 'spec');
  const tolerations = list(spec.tolerations);
  for (const key of NO_EXECUTE_TOLERATIONS) {
    const tolerated = tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
    if (!tolerated) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
}

/** SetDefaults_Deployment / _ReplicaSet and the pod template's spec. */
export function workloadDefaults(deployment: boolean) {
  return (obj: KubeObject): void => {
    const spec = record(obj, 'spec');
    setDefaultPointer(spec, 'replicas', 1);
    podSpecDefaults(record(record(spec, 'template'), 'spec'));
    if (deployment) {
      setDefaultPointer(spec, 'revisionHistoryLimit', 10);
      setDefaultPointer(spec, 'progressDeadlineSeconds', 600);
      const strategy = record(spec, 'strategy');
      setDefault(strategy, 'type', 'RollingUpdate');
      if (strategy.type === 'RollingUpdate') {
        const rolling = record(strategy, 'rollingUpdate');
        setDefaultPointer(rolling, 'maxUnavailable', '25%');
        setDefaultPointer(rolling, 'maxSurge', '25%');
      }
    }
  };
}
