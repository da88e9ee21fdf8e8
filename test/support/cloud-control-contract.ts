// A contract check of a cloud-control implementation: every operation of
// docs/cloud/cloud-control.openapi.yaml is called, each answer's status must be one the document
// lists (and the one the call calls for), and each body is validated against the document's schema
// with ajv. Implementation-neutral (it reads /v1/info to learn what to expect) and tidy: the
// instance, route and faults it creates are gone again when it returns.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

export const CLOUD_CONTROL_DOCUMENT = new URL('../../docs/cloud/cloud-control.openapi.yaml', import.meta.url);

export interface ContractCall {
  operationId: string;
  method: string;
  url: string;
  status: number;
  /** What was wrong with the answer; empty when it met the contract. */
  problems: string[];
}

export interface ContractReport {
  calls: ContractCall[];
  /** Every problem, prefixed with the operation. */
  problems: string[];
  /** operationIds of the document that were never called (a feature the cloud says it lacks). */
  notCalled: string[];
}

interface Operation {
  operationId: string;
  method: string;
  path: string;
  /** status → schema pointer into the document, or null for a body-less answer. */
  responses: Map<number, string | null>;
}

type Doc = { paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, { content?: Record<string, unknown> }> }>> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function pointer(...segments: string[]): string {
  return segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function operationsOf(doc: Doc): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op?.operationId) continue;
      const responses = new Map<number, string | null>();
      for (const [code, response] of Object.entries(op.responses ?? {})) {
        const json = response.content?.['application/json'];
        responses.set(Number(code), json ? `#/${pointer('paths', path, method, 'responses', code, 'content', 'application/json', 'schema')}` : null);
      }
      out.set(op.operationId, { operationId: op.operationId, method: method.toUpperCase(), path, responses });
    }
  }
  return out;
}

/** The document's operations and a validator per response schema, read and compiled once. */
class ContractDocument {
  readonly operations: Map<string, Operation>;
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    const doc = parse(readFileSync(CLOUD_CONTROL_DOCUMENT, 'utf8')) as Doc;
    this.operations = operationsOf(doc);
    this.ajv.addSchema(doc as object, 'cloud-control');
  }

  validator(ref: string): ValidateFunction {
    let v = this.validators.get(ref);
    if (!v) this.validators.set(ref, (v = this.ajv.compile({ $ref: `cloud-control${ref}` })));
    return v;
  }
}

let loaded: ContractDocument | undefined;

class ContractClient {
  readonly calls: ContractCall[] = [];

  constructor(
    private readonly base: string,
    private readonly doc: ContractDocument,
    private readonly token: string | undefined,
  ) {}

  /** Calls an operation; `expect` lists the statuses this call may answer. Returns the parsed body. */
  async call(operationId: string, args: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown; expect: number[] }): Promise<{ status: number; body: any }> {
    const op = this.doc.operations.get(operationId);
    if (!op) throw new Error(`the document has no operation ${operationId}`);
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(args.params?.[name] ?? ''));
    const url = new URL(this.base.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(args.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (args.body !== undefined) headers['Content-Type'] = 'application/json';
    const problems: string[] = [];
    let status = 0;
    let body: any;
    try {
      const res = await fetch(url, { method: op.method, headers, body: args.body === undefined ? undefined : JSON.stringify(args.body) });
      status = res.status;
      const text = await res.text();
      if (!args.expect.includes(status)) problems.push(`answered ${status}, expected ${args.expect.join(' or ')}${text ? `: ${text.slice(0, 200)}` : ''}`);
      if (!op.responses.has(status)) problems.push(`status ${status} is not a documented answer of ${operationId}`);
      const schema = op.responses.get(status);
      if (schema) {
        if (!/^application\/json\b/.test(res.headers.get('content-type') ?? '')) problems.push(`Content-Type is ${res.headers.get('content-type')}, not application/json`);
        try {
          body = JSON.parse(text);
        } catch {
          problems.push(`body is not JSON: ${text.slice(0, 200)}`);
        }
        const validate = this.doc.validator(schema);
        if (body !== undefined && !validate(body)) problems.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`));
      } else if (schema === null && text !== '') {
        problems.push(`status ${status} is documented without a body, got ${text.slice(0, 200)}`);
      }
    } catch (error) {
      problems.push(`request failed: ${(error as Error).message}`);
    }
    this.calls.push({ operationId, method: op.method, url: url.toString(), status, problems });
    return { status, body };
  }

  /** Records a problem found by comparing answers rather than by one answer alone. */
  problem(operationId: string, message: string): void {
    const last = [...this.calls].reverse().find((c) => c.operationId === operationId);
    if (last) last.problems.push(message);
    else this.calls.push({ operationId, method: '', url: '', status: 0, problems: [message] });
  }
}

export async function checkCloudControlContract(baseUrl: string, options: { token?: string; runId?: string } = {}): Promise<ContractReport> {
  loaded ??= new ContractDocument();
  const c = new ContractClient(baseUrl, loaded, options.token);
  const runId = options.runId ?? randomBytes(3).toString('hex');
  const missingId = `conformal-contract-missing-${runId}`;
  let instanceId: string | undefined;
  let routeCidr: string | undefined;
  const armed: string[] = [];
  try {
    const info = await c.call('getInfo', { expect: [200] });
    const features = info.body?.features ?? {};
    const providerName: string | undefined = info.body?.providerName;

    await c.call('listLoadBalancers', { expect: [200] });
    const none = await c.call('listLoadBalancers', { query: { serviceUID: randomUUID() }, expect: [200] });
    if (Array.isArray(none.body?.items) && none.body.items.length > 0) c.problem('listLoadBalancers', 'a filter by an unknown serviceUID returned load balancers');

    if (features.instances) {
      const nodeName = `conformal-contract-${runId}`;
      const created = await c.call('createInstance', { body: { nodeName }, expect: [201] });
      instanceId = created.body?.id;
      if (created.body?.state !== 'running') c.problem('createInstance', `a new instance is ${created.body?.state}, not running`);
      if (created.body?.nodeName !== nodeName) c.problem('createInstance', `nodeName ${created.body?.nodeName} is not the one asked for`);
      if (providerName && !String(created.body?.providerID).startsWith(`${providerName}://`)) c.problem('createInstance', `providerID ${created.body?.providerID} does not start with ${providerName}://`);
      await c.call('createInstance', { body: { nodeName }, expect: [409] });
      if (instanceId) {
        const got = await c.call('getInstance', { params: { id: instanceId }, expect: [200] });
        if (got.body?.id !== instanceId) c.problem('getInstance', `answered instance ${got.body?.id} for ${instanceId}`);
      }
      await c.call('getInstance', { params: { id: missingId }, expect: [404] });
      if (features.instanceShutdown && instanceId) {
        const stopped = await c.call('stopInstance', { params: { id: instanceId }, expect: [200] });
        if (stopped.body?.state !== 'stopped') c.problem('stopInstance', `state ${stopped.body?.state} after stop`);
        const started = await c.call('startInstance', { params: { id: instanceId }, expect: [200] });
        if (started.body?.state !== 'running') c.problem('startInstance', `state ${started.body?.state} after start`);
        await c.call('stopInstance', { params: { id: missingId }, expect: [404] });
        await c.call('startInstance', { params: { id: missingId }, expect: [404] });
      }
      if (instanceId) {
        await c.call('deleteInstance', { params: { id: instanceId }, expect: [204] });
        await c.call('deleteInstance', { params: { id: instanceId }, expect: [204] });
        const gone = await c.call('getInstance', { params: { id: instanceId }, expect: [200, 404] });
        if (gone.status === 200 && gone.body?.state !== 'terminated') c.problem('getInstance', `a deleted instance is ${gone.body?.state}, not terminated`);
        instanceId = undefined;
      }
    }

    if (features.routes) {
      await c.call('listRoutes', { expect: [200] });
      // 198.18.0.0/15 is for benchmarking: no cluster routes its pods there.
      routeCidr = `198.18.${randomBytes(1)[0]}.0/24`;
      const created = await c.call('createRoute', { body: { destinationCIDR: routeCidr }, expect: [201] });
      if (created.body?.destinationCIDR !== routeCidr) c.problem('createRoute', `answered destinationCIDR ${created.body?.destinationCIDR} for ${routeCidr}`);
      const listed = await c.call('listRoutes', { expect: [200] });
      if (!(listed.body?.items ?? []).some((r: { destinationCIDR?: string }) => r.destinationCIDR === routeCidr)) c.problem('listRoutes', `the route to ${routeCidr} just created is not listed`);
      await c.call('deleteRoute', { query: { destinationCIDR: routeCidr }, expect: [204] });
      await c.call('deleteRoute', { query: { destinationCIDR: routeCidr }, expect: [204] });
      const after = await c.call('listRoutes', { expect: [200] });
      if ((after.body?.items ?? []).some((r: { destinationCIDR?: string }) => r.destinationCIDR === routeCidr)) c.problem('listRoutes', `the route to ${routeCidr} is still listed after deleteRoute`);
      routeCidr = undefined;
    }

    const injectable: string[] = Array.isArray(features.faults) ? features.faults : [];
    for (const operation of ['ensure-load-balancer', 'create-route']) {
      // Aimed at a Service and a node that do not exist, so nothing real fails meanwhile.
      const body = { message: 'conformal contract check', service: missingId, node: missingId };
      const armedNow = await c.call('injectFault', { params: { operation }, body, expect: injectable.includes(operation) ? [204] : [404] });
      if (armedNow.status === 204) armed.push(operation);
      await c.call('clearFault', { params: { operation }, expect: [204] });
      armed.splice(armed.indexOf(operation), 1);
    }
  } finally {
    // Best-effort cleanup of whatever a failed step left behind.
    const tidy = (path: string, method = 'DELETE') =>
      fetch(new URL(baseUrl.replace(/\/$/, '') + path), { method, headers: options.token ? { Authorization: `Bearer ${options.token}` } : {} }).catch(() => undefined);
    if (instanceId) await tidy(`/v1/instances/${encodeURIComponent(instanceId)}`);
    if (routeCidr) await tidy(`/v1/routes?destinationCIDR=${encodeURIComponent(routeCidr)}`);
    for (const operation of armed) await tidy(`/v1/faults/${operation}`);
  }
  const called = new Set(c.calls.map((call) => call.operationId));
  return {
    calls: c.calls,
    problems: c.calls.flatMap((call) => call.problems.map((p) => `${call.operationId} ${call.method} ${call.url}: ${p}`)),
    notCalled: [...loaded.operations.keys()].filter((id) => !called.has(id)),
  };
}
