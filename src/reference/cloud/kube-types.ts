// The Node and Service fields the reference controllers read and write, as the plain JSON the API
// server sends (timestamps are strings). client-node's typed models turn timestamps into Dates, so
// the controllers keep to these shapes and normalise listed objects (see kube-client.ts).
import type { NodeAddress } from './model.js';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface NodeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: { providerID?: string; podCIDR?: string; podCIDRs?: string[]; taints?: Taint[]; unschedulable?: boolean };
  status?: { addresses?: NodeAddress[]; conditions?: Condition[]; [key: string]: unknown };
}

export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  appProtocol?: string;
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ipMode?: string;
  ports?: { port: number; protocol: string }[];
}

export interface ServiceObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: {
    type?: string;
    loadBalancerClass?: string;
    loadBalancerIP?: string;
    loadBalancerSourceRanges?: string[];
    ports?: ServicePort[];
    sessionAffinity?: string;
    sessionAffinityConfig?: unknown;
    externalIPs?: string[];
    externalTrafficPolicy?: string;
    healthCheckNodePort?: number;
    ipFamilies?: string[];
  };
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
}

export const UNINITIALIZED_TAINT = 'node.cloudprovider.kubernetes.io/uninitialized';
export const SHUTDOWN_TAINT = 'node.cloudprovider.kubernetes.io/shutdown';
export const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';
export const PROVIDED_NODE_IP = 'alpha.kubernetes.io/provided-node-ip';
export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
export const LB_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

export function hasTaint(node: NodeObject, key: string): boolean {
  return (node.spec?.taints ?? []).some((t) => t.key === key);
}

/** Sets spec.taints, dropping the field when empty (as Go's omitempty would). */
export function setTaints(node: NodeObject, taints: Taint[]): void {
  node.spec = { ...node.spec, taints };
  if (taints.length === 0) delete node.spec.taints;
}

export function condition(node: NodeObject, type: string): Condition | undefined {
  return (node.status?.conditions ?? []).find((c) => c.type === type);
}

/** Ready's status, Unknown when the condition is missing (as upstream reads it). */
export function readyStatus(node: NodeObject): Condition['status'] {
  return condition(node, 'Ready')?.status ?? 'Unknown';
}

/** Kubernetes' timestamp form: RFC 3339 in whole seconds. */
export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
