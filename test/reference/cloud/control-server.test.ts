import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudControlServer, type CloudControlServer } from '../../../src/reference/cloud/control-server.js';
import { CloudModel } from '../../../src/reference/cloud/model.js';
import { checkCloudControlContract } from '../../support/cloud-control-contract.js';

describe('cloud-control server', () => {
  let server: CloudControlServer;
  const model = new CloudModel();
  const call = async (method: string, path: string, body?: string) => {
    const res = await fetch(`${server.url}${path}`, { method, body, headers: body ? { 'Content-Type': 'application/json' } : {} });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    server = await startCloudControlServer(model);
  });
  afterAll(async () => server?.close());

  it('listens on loopback and meets the contract with no cluster behind it', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const report = await checkCloudControlContract(server.url, { runId: 'unit' });
    expect(report.problems).toEqual([]);
    expect(model.listInstances().map((i) => i.state)).toEqual(['terminated']);
    expect(model.listRoutes()).toEqual([]);
  });

  it('answers bad requests with an Error body and a 4xx status', async () => {
    expect(await call('POST', '/v1/instances', '{')).toEqual({ status: 400, body: { message: expect.stringMatching(/^body is not JSON/) } });
    expect(await call('POST', '/v1/instances', '[]')).toEqual({ status: 400, body: { message: 'body must be a JSON object' } });
    expect(await call('POST', '/v1/instances', '{"nodeName":7}')).toEqual({ status: 400, body: { message: 'nodeName must be a string' } });
    expect(await call('POST', '/v1/routes', '{"destinationCIDR":"nowhere"}')).toEqual({ status: 400, body: { message: 'destinationCIDR nowhere is not an IPv4 CIDR' } });
    expect(await call('DELETE', '/v1/routes')).toEqual({ status: 400, body: { message: 'the destinationCIDR query parameter is required' } });
    expect(await call('PUT', '/v1/faults/delete-load-balancer', '{"message":"x"}')).toEqual({ status: 404, body: { message: 'this cloud cannot inject a fault into delete-load-balancer' } });
    expect(await call('PUT', '/v1/faults/create-route', '{}')).toEqual({ status: 400, body: { message: 'message is required' } });
    expect(await call('DELETE', '/v1/info')).toEqual({ status: 405, body: { message: 'DELETE is not allowed on /v1/info' } });
    expect(await call('GET', '/v2/info')).toEqual({ status: 404, body: { message: 'no such path /v2/info' } });
  });
});
