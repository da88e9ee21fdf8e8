// Kubernetes API errors as the API server reports them: a meta/v1 Status object with a reason and
// an HTTP code. Clients (kubectl, client-go, client-node) branch on `reason` and `code`, so these
// mirror the apimachinery error constructors closely.

export interface StatusCause {
  /** Left out when empty, as Go's omitempty does (an internal error's cause has only a message). */
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** What a resource is called in error messages: plural, plus ".group" for non-core groups. */
export interface ResourceName {
  group: string;
  plural: string;
}

export class KubeApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  /** Warnings gathered before the failure (unknown fields): kube-apiserver sends them with the error. */
  warnings: string[] = [];

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Record<string, unknown> {
    const status: Record<string, unknown> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
    };
    // Some errors (a failing conversion webhook) carry no reason on kube-apiserver either.
    if (this.reason) status.reason = this.reason;
    if (this.details) status.details = this.details;
    status.code = this.code;
    return status;
  }
}

export function qualified(resource: ResourceName): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

function details(resource: ResourceName, name: string): StatusDetails {
  const result: StatusDetails = { name };
  if (resource.group) result.group = resource.group;
  result.kind = resource.plural;
  return result;
}

export function notFound(resource: ResourceName, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${qualified(resource)} "${name}" not found`, details(resource, name));
}

export function alreadyExists(resource: ResourceName, name: string): KubeApiError {
  return new KubeApiError(409, 'AlreadyExists', `${qualified(resource)} "${name}" already exists`, details(resource, name));
}

export function conflict(resource: ResourceName, name: string, why: string): KubeApiError {
  return new KubeApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(resource)} "${name}": ${why}`, details(resource, name));
}

export const STALE_OBJECT = 'the object has been modified; please apply your changes to the latest version and try again';

export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

export function methodNotSupported(resource: ResourceName, verb: string): KubeApiError {
  const d: StatusDetails = {};
  if (resource.group) d.group = resource.group;
  d.kind = resource.plural;
  return new KubeApiError(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified(resource)}"`, d);
}

export function forbidden(resource: ResourceName, name: string, why: string, causes?: StatusCause[]): KubeApiError {
  const d = details(resource, name);
  if (causes) d.causes = causes;
  const subject = name ? `${qualified(resource)} "${name}"` : qualified(resource);
  return new KubeApiError(403, 'Forbidden', `${subject} is forbidden: ${why}`, d);
}

export function unauthorized(): KubeApiError {
  return new KubeApiError(401, 'Unauthorized', 'Unauthorized');
}

export function resourceNotFound(): KubeApiError {
  return new KubeApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function expired(message: string): KubeApiError {
  return new KubeApiError(410, 'Expired', message);
}

export function unsupportedMediaType(contentType: string): KubeApiError {
  return new KubeApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`);
}

/** One field-level validation failure, as apimachinery's field.Error renders it. */
export interface FieldError {
  type: 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueTypeInvalid' | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueDuplicate' | 'FieldValueTooLong' | 'FieldValueTooMany';
  field: string;
  /** The detail text after "Invalid value: ...:" or the fixed text of the type. */
  detail: string;
  /** The bad value; 1.37's field.Error prints it as JSON (internal Go structs with their Go field names). */
  value?: unknown;
}

const typeText: Record<FieldError['type'], string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
};

export function renderFieldError(error: FieldError): string {
  const head = typeText[error.type];
  if (error.type === 'FieldValueRequired' || error.type === 'FieldValueForbidden') {
    return error.detail ? `${head}: ${error.detail}` : head;
  }
  const value = error.value === undefined ? undefined : JSON.stringify(error.value);
  const withValue = value === undefined ? head : `${head}: ${value}`;
  return error.detail ? `${withValue}: ${error.detail}` : withValue;
}

/** The first of each error by its text (`field: message`), as field.ErrorList's ToAggregate keeps them. */
export function distinctFieldErrors(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const text = `${e.field}: ${renderFieldError(e)}`;
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

/** 422 Invalid: `Kind "name" is invalid: [field: detail, ...]`. */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): KubeApiError {
  const causes = errors.map((e) => ({ reason: e.type, message: renderFieldError(e), field: e.field }));
  // The message lists each distinct error once (field.ErrorList.ToAggregate); the causes keep all.
  const parts = [...new Set(errors.map((e) => `${e.field}: ${renderFieldError(e)}`))];
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const d: StatusDetails = { name };
  if (group) d.group = group;
  d.kind = kind;
  d.causes = causes;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return new KubeApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, d);
}

/** 415 for request bodies in encodings this server does not decode (protobuf, CBOR). */
export function unsupportedBody(contentType: string): KubeApiError {
  return new KubeApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got ${contentType})`);
}
