// Protobuf request bodies, as kubectl's typed clients send them (`kubectl create namespace|
// configmap|secret|serviceaccount|deployment|service …`, `kubectl auth can-i|whoami`): the "k8s\0" envelope around a
// runtime.Unknown, whose raw bytes are the object. The schema below is our own subset of the
// Kubernetes wire format, only the fields those commands can set; the field numbers are the
// published ones. Responses stay JSON, which these clients accept.
import protobuf from 'protobufjs';
import { badRequest, unsupportedBody } from './status.js';

const SCHEMA = `
syntax = "proto2";
package conformal.kube;

message TypeMeta { optional string apiVersion = 1; optional string kind = 2; }
message Unknown { optional TypeMeta typeMeta = 1; optional bytes raw = 2; optional string contentEncoding = 3; optional string contentType = 4; }

message Time { optional int64 seconds = 1; optional int32 nanos = 2; }
message Quantity { optional string string = 1; }
message IntOrString { optional int64 type = 1; optional int32 intVal = 2; optional string strVal = 3; }

message OwnerReference { optional string kind = 1; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; optional bool controller = 6; optional bool blockOwnerDeletion = 7; }
message ObjectMeta {
  optional string name = 1; optional string generateName = 2; optional string namespace = 3; optional string uid = 5;
  optional string resourceVersion = 6; optional int64 generation = 7; optional Time creationTimestamp = 8;
  map<string, string> labels = 11; map<string, string> annotations = 12; repeated OwnerReference ownerReferences = 13;
  repeated string finalizers = 14;
}
message LabelSelectorRequirement { optional string key = 1; optional string operator = 2; repeated string values = 3; }
message LabelSelector { map<string, string> matchLabels = 1; repeated LabelSelectorRequirement matchExpressions = 2; }

message NamespaceSpec { repeated string finalizers = 1; }
message Empty {}
message Namespace { optional ObjectMeta metadata = 1; optional NamespaceSpec spec = 2; optional Empty status = 3; }
message ConfigMap { optional ObjectMeta metadata = 1; map<string, string> data = 2; map<string, bytes> binaryData = 3; optional bool immutable = 4; }
message Secret { optional ObjectMeta metadata = 1; map<string, bytes> data = 2; optional string type = 3; map<string, string> stringData = 4; optional bool immutable = 5; }
message ObjectReference { optional string kind = 1; optional string namespace = 2; optional string name = 3; optional string uid = 4; optional string apiVersion = 5; }
message LocalObjectReference { optional string name = 1; }
message ServiceAccount { optional ObjectMeta metadata = 1; repeated ObjectReference secrets = 2; repeated LocalObjectReference imagePullSecrets = 3; optional bool automountServiceAccountToken = 4; }

message ServicePort { optional string name = 1; optional string protocol = 2; optional int32 port = 3; optional IntOrString targetPort = 4; optional int32 nodePort = 5; optional string appProtocol = 6; }
message ServiceSpec {
  repeated ServicePort ports = 1; map<string, string> selector = 2; optional string clusterIP = 3; optional string type = 4;
  repeated string externalIPs = 5; optional string sessionAffinity = 7; optional string externalName = 10; repeated string clusterIPs = 18;
}
message Service { optional ObjectMeta metadata = 1; optional ServiceSpec spec = 2; optional Empty status = 3; }

message ContainerPort { optional string name = 1; optional int32 hostPort = 2; optional int32 containerPort = 3; optional string protocol = 4; }
message EnvVar { optional string name = 1; optional string value = 2; }
message ResourceRequirements { map<string, Quantity> limits = 1; map<string, Quantity> requests = 2; }
message Container {
  optional string name = 1; optional string image = 2; repeated string command = 3; repeated string args = 4; optional string workingDir = 5;
  repeated ContainerPort ports = 6; repeated EnvVar env = 7; optional ResourceRequirements resources = 8; optional string imagePullPolicy = 14;
}
message PodSpec {
  repeated Container containers = 2; optional string restartPolicy = 3; optional int64 terminationGracePeriodSeconds = 4; optional string dnsPolicy = 6;
  map<string, string> nodeSelector = 7; optional string serviceAccountName = 8; optional string schedulerName = 19; repeated Container initContainers = 20;
}
message PodTemplateSpec { optional ObjectMeta metadata = 1; optional PodSpec spec = 2; }
message DeploymentStrategy { optional string type = 1; }
message DeploymentSpec {
  optional int32 replicas = 1; optional LabelSelector selector = 2; optional PodTemplateSpec template = 3; optional DeploymentStrategy strategy = 4;
  optional int32 minReadySeconds = 5; optional int32 revisionHistoryLimit = 6; optional bool paused = 7; optional int32 progressDeadlineSeconds = 9;
}
message Deployment { optional ObjectMeta metadata = 1; optional DeploymentSpec spec = 2; optional Empty status = 3; }

message ResourceAttributes {
  optional string namespace = 1; optional string verb = 2; optional string group = 3; optional string version = 4;
  optional string resource = 5; optional string subresource = 6; optional string name = 7;
}
message NonResourceAttributes { optional string path = 1; optional string verb = 2; }
message SelfSubjectAccessReviewSpec { optional ResourceAttributes resourceAttributes = 1; optional NonResourceAttributes nonResourceAttributes = 2; }
message SelfSubjectAccessReview { optional ObjectMeta metadata = 1; optional SelfSubjectAccessReviewSpec spec = 2; optional Empty status = 3; }
message SelfSubjectReview { optional ObjectMeta metadata = 1; optional Empty status = 2; }
`;

const root = protobuf.parse(SCHEMA, { keepCase: true }).root;
const unknownType = root.lookupType('conformal.kube.Unknown');

/** Kinds this server decodes from protobuf, by apiVersion/kind. */
const MESSAGES: Record<string, string> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/Service': 'Service',
  'apps/v1/Deployment': 'Deployment',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

type Obj = Record<string, unknown>;

/** Kubernetes JSON for the wrapper messages protobuf spells out (Time, IntOrString, Quantity). */
function toKubernetesJson(value: unknown, typeName: string | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => toKubernetesJson(v, typeName));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Obj;
  switch (typeName) {
    case 'Time':
      return new Date(Number(obj.seconds ?? 0) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    case 'IntOrString':
      return Number(obj.type ?? 0) === 1 ? (obj.strVal ?? '') : (obj.intVal ?? 0);
    case 'Quantity':
      return obj.string ?? '0';
    default:
      return obj;
  }
}

/**
 * Fields that are pointers in the Go types: set means set, even to 0 or false. Every other scalar
 * is written on the wire even when empty, and an empty one means "absent", as in Go's JSON.
 */
const POINTERS = new Set([
  'DeploymentSpec.replicas',
  'DeploymentSpec.revisionHistoryLimit',
  'DeploymentSpec.progressDeadlineSeconds',
  'PodSpec.terminationGracePeriodSeconds',
  'ConfigMap.immutable',
  'Secret.immutable',
  'ServiceAccount.automountServiceAccountToken',
  'OwnerReference.controller',
  'OwnerReference.blockOwnerDeletion',
]);

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

function convert(message: protobuf.Type, value: Obj): Obj {
  const out: Obj = {};
  for (const [key, v] of Object.entries(value)) {
    const field = message.fields[key];
    if (isZero(v) && !POINTERS.has(`${message.name}.${key}`)) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (field?.map && Object.keys(v as Obj).length === 0) continue;
    const resolved = field?.resolve().resolvedType;
    if (resolved instanceof protobuf.Type && resolved.name === 'Time' && Number((v as Obj).seconds ?? 0) === 0) continue;
    if (resolved instanceof protobuf.Type && ['Time', 'IntOrString', 'Quantity'].includes(resolved.name)) {
      out[key] = field!.map
        ? Object.fromEntries(Object.entries(v as Obj).map(([k, item]) => [k, toKubernetesJson(item, resolved.name)]))
        : toKubernetesJson(v, resolved.name);
    } else if (resolved instanceof protobuf.Type) {
      const walk = (item: unknown) => convert(resolved, item as Obj);
      out[key] = field!.map ? Object.fromEntries(Object.entries(v as Obj).map(([k, item]) => [k, walk(item)])) : Array.isArray(v) ? v.map(walk) : walk(v);
    } else {
      out[key] = v;
    }
  }
  return out;
}

/** Decodes a protobuf request body into the object's JSON form, or throws 415/400. */
export function decodeProtobufObject(body: Buffer, contentType: string): Obj {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw badRequest('protobuf body without the "k8s\\0" envelope');
  let envelope: Obj;
  try {
    envelope = unknownType.toObject(unknownType.decode(body.subarray(4)), { bytes: Buffer }) as Obj;
  } catch (error) {
    throw badRequest(`protobuf body could not be decoded: ${(error as Error).message}`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const name = MESSAGES[`${typeMeta.apiVersion}/${typeMeta.kind}`];
  if (!name) throw unsupportedBody(`${contentType} (${typeMeta.apiVersion} ${typeMeta.kind})`);
  const type = root.lookupType(`conformal.kube.${name}`);
  let decoded: Obj;
  try {
    decoded = type.toObject(type.decode((envelope.raw as Buffer | undefined) ?? Buffer.alloc(0)), { longs: Number, bytes: String }) as Obj;
  } catch (error) {
    throw badRequest(`protobuf ${typeMeta.kind} could not be decoded: ${(error as Error).message}`);
  }
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...convert(type, decoded) };
}
