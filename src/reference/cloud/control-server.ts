// The cloud-control protocol (docs/cloud/cloud-control.openapi.yaml) over the in-memory cloud:
// plain node:http on 127.0.0.1, JSON in and out, an Error body for every 4xx/5xx.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseCidr } from './ip.js';
import { CloudError, FAULT_OPERATIONS, type ArmedFault, type CloudModel, type FaultOperation, type Instance, type LoadBalancer } from './model.js';

const MAX_BODY = 64 * 1024;

export interface CloudControlServer {
  url: string;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
type Answer = { status: number; body?: unknown };

function instanceBody(i: Instance): Json {
  return { id: i.id, providerID: i.providerID, nodeName: i.nodeName, zone: i.zone, region: i.region, instanceType: i.instanceType, state: i.state, addresses: i.addresses };
}

function loadBalancerBody(lb: LoadBalancer): Json {
  return { name: lb.name, serviceUID: lb.serviceUID, ingress: lb.ingress, ports: lb.ports, sourceRanges: lb.sourceRanges, backends: lb.backends };
}

function optionalString(body: Json, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CloudError(400, `${field} must be a string`);
  return value;
}

function requiredString(body: Json, field: string): string {
  const value = optionalString(body, field);
  if (!value) throw new CloudError(400, `${field} is required`);
  return value;
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new CloudError(413, 'request body too large');
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch (error) {
    throw new CloudError(400, `body is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CloudError(400, 'body must be a JSON object');
  return parsed as Json;
}

/** Answers one request; the routing table of the protocol. */
async function route(model: CloudModel, req: IncomingMessage, url: URL): Promise<Answer> {
  const method = req.method ?? 'GET';
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'v1') throw new CloudError(404, `no such path ${url.pathname}`);
  const [, collection, id, action] = parts;
  const allow = (...methods: string[]) => {
    if (!methods.includes(method)) throw new CloudError(405, `${method} is not allowed on ${url.pathname}`);
  };
  if (collection === 'info' && parts.length === 2) {
    allow('GET');
    return {
      status: 200,
      body: {
        name: 'conformal-reference',
        providerName: 'conformal',
        features: { instances: true, instanceShutdown: true, loadBalancers: true, routes: true, faults: FAULT_OPERATIONS },
      },
    };
  }
  if (collection === 'instances' && parts.length === 2) {
    allow('POST');
    const body = await readJson(req);
    const request = { nodeName: requiredString(body, 'nodeName'), zone: optionalString(body, 'zone'), instanceType: optionalString(body, 'instanceType') };
    return { status: 201, body: instanceBody(model.createInstance(request)) };
  }
  if (collection === 'instances' && id !== undefined && parts.length === 3) {
    allow('GET', 'DELETE');
    if (method === 'DELETE') {
      model.terminateInstance(id);
      return { status: 204 };
    }
    const instance = model.instance(id);
    if (!instance) throw new CloudError(404, `instance ${id} not found`);
    return { status: 200, body: instanceBody(instance) };
  }
  if (collection === 'instances' && id !== undefined && (action === 'stop' || action === 'start') && parts.length === 4) {
    allow('POST');
    return { status: 200, body: instanceBody(action === 'stop' ? model.stopInstance(id) : model.startInstance(id)) };
  }
  if (collection === 'load-balancers' && parts.length === 2) {
    allow('GET');
    const uid = url.searchParams.get('serviceUID') ?? undefined;
    return { status: 200, body: { items: model.listLoadBalancers(uid).map(loadBalancerBody) } };
  }
  if (collection === 'routes' && parts.length === 2) {
    allow('GET', 'POST', 'DELETE');
    if (method === 'GET') return { status: 200, body: { items: model.listRoutes() } };
    if (method === 'DELETE') {
      const cidr = url.searchParams.get('destinationCIDR');
      if (!cidr) throw new CloudError(400, 'the destinationCIDR query parameter is required');
      model.deleteRoute(cidr);
      return { status: 204 };
    }
    const body = await readJson(req);
    const destinationCIDR = requiredString(body, 'destinationCIDR');
    if (!parseCidr(destinationCIDR)) throw new CloudError(400, `destinationCIDR ${destinationCIDR} is not an IPv4 CIDR`);
    if (body.blackhole !== undefined && typeof body.blackhole !== 'boolean') throw new CloudError(400, 'blackhole must be a boolean');
    const targetNode = optionalString(body, 'targetNode');
    return { status: 201, body: model.createRoute({ destinationCIDR, blackhole: body.blackhole === true, ...(targetNode === undefined ? {} : { targetNode }) }) };
  }
  if (collection === 'faults' && id !== undefined && parts.length === 3) {
    allow('PUT', 'DELETE');
    if (!(FAULT_OPERATIONS as readonly string[]).includes(id)) throw new CloudError(404, `this cloud cannot inject a fault into ${id}`);
    const operation = id as FaultOperation;
    if (method === 'DELETE') {
      model.clearFault(operation);
      return { status: 204 };
    }
    const body = await readJson(req);
    const fault: ArmedFault = { message: requiredString(body, 'message') };
    for (const field of ['namespace', 'service', 'node'] as const) {
      const value = optionalString(body, field);
      if (value !== undefined) fault[field] = value;
    }
    model.armFault(operation, fault);
    return { status: 204 };
  }
  throw new CloudError(404, `no such path ${url.pathname}`);
}

function send(res: ServerResponse, answer: Answer): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status).end();
    return;
  }
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

export async function startCloudControlServer(model: CloudModel, options: { port?: number } = {}): Promise<CloudControlServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    route(model, req, url).then(
      (answer) => send(res, answer),
      (error: unknown) => {
        const status = error instanceof CloudError ? error.status : 500;
        send(res, { status, body: { message: error instanceof Error ? error.message : String(error) } });
      },
    );
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
