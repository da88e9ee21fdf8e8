// What form of an object the client asked for in its Accept header: the object itself, a
// meta.k8s.io Table (kubectl get) or PartialObjectMetadata[List] (client-go's metadata client,
// controller-runtime's metadata informers). Bodies are always JSON here: a protobuf choice in the
// header is passed over for the client's next one, as every client that asks for protobuf also
// accepts JSON.
import { KubeApiError } from './status.js';
import type { KubeObject, ResourceType } from './types.js';

export type Form = 'Object' | 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export interface Negotiated {
  form: Form;
  /** meta.k8s.io version of a Table or PartialObjectMetadata (v1 or v1beta1). */
  version: string;
}

const SERVED_TYPES = new Set(['application/json', 'application/yaml', 'application/*', '*/*']);
const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const AS_FORMS = new Set<Form>(['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList']);
const PLAIN: Negotiated = { form: 'Object', version: 'v1' };

const remembered = new Map<string, Negotiated>();

/** The first media range of the header this server can serve, in the client's order; 406 if none. */
export function negotiate(accept: string | undefined): Negotiated {
  if (!accept) return PLAIN;
  // Clients send the same few headers on every request: decide each once.
  const known = remembered.get(accept);
  if (known) return known;
  const negotiated = choose(accept);
  if (remembered.size < 256) remembered.set(accept, negotiated);
  return negotiated;
}

function choose(accept: string): Negotiated {
  let protobufOnly = false;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim());
    const param = Object.fromEntries(params.map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
    const media = type.toLowerCase();
    if (media === PROTOBUF) {
      protobufOnly = true;
      continue;
    }
    if (!SERVED_TYPES.has(media)) continue;
    if (param.as === undefined) return PLAIN;
    if (AS_FORMS.has(param.as as Form) && param.g === 'meta.k8s.io' && (param.v === 'v1' || param.v === 'v1beta1')) return { form: param.as as Form, version: param.v };
  }
  // A client that only takes protobuf reads JSON too (client-go decodes by the response's type).
  if (protobufOnly) return PLAIN;
  throw new KubeApiError(406, 'NotAcceptable', 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
}

/** The Go type kube-apiserver names in its 406 texts (*core.ConfigMap, *unstructured.Unstructured). */
function goTypeOf(type: ResourceType, list: boolean): string {
  if (!type.builtin) return list ? '*unstructured.UnstructuredList' : '*unstructured.Unstructured';
  const pkg = type.group === '' || type.group === 'events.k8s.io' ? 'core' : type.group.split('.')[0];
  return `*${pkg}.${type.kind}${list ? 'List' : ''}`;
}

/** 406 when the requested metadata form does not fit what the request returns (a list or one object). */
export function checkForm(negotiated: Negotiated, type: ResourceType, list: boolean): void {
  if (negotiated.form === 'PartialObjectMetadata' && list) {
    throw new KubeApiError(406, 'NotAcceptable', `you requested PartialObjectMetadata, but the requested object is a list (${goTypeOf(type, true)})`);
  }
  if (negotiated.form === 'PartialObjectMetadataList' && !list) {
    throw new KubeApiError(406, 'NotAcceptable', `you requested PartialObjectMetadataList, but the requested object is not a list (${goTypeOf(type, false)})`);
  }
}

/** An object reduced to its metadata, as kube-apiserver answers metadata-only requests. */
export function partialMetadata(obj: KubeObject, version: string): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}
