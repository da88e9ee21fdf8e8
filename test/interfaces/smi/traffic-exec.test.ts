// The pod-exec traffic path without a cluster: the client's argv is built from the request as an
// array (never a shell string), its output is parsed per request index, and a failed exec makes
// every unanswered request a failure. The exec itself is replaced by a double that answers like
// the echo image's client binary.
import { describe, expect, it } from 'vitest';
import { clientArgv, ExecTraffic, parseClientOutput, type ExecFn } from '../../../src/interfaces/smi/traffic-exec.js';
import type { TrafficRequest } from '../../../src/interfaces/smi/traffic.js';

const from = { namespace: 'ns1', pod: 'client' };
const http: TrafficRequest = { from, service: 'web', namespace: 'ns1', port: 80, protocol: 'http', method: 'POST', path: '/api?x=1', headers: { 'x-team': 'blue; rm -rf /' } };

describe('pod-exec traffic', () => {
  it('builds the client argv from the request, one argument per element', () => {
    expect(clientArgv(http, 3)).toEqual(['client', 'http://web.ns1:80/api?x=1', '--count=3', '--timeout=5s', '--method=POST', '-H', 'x-team:blue; rm -rf /']);
    expect(clientArgv({ from, service: 'db', namespace: 'ns2', port: 9000, protocol: 'tcp' }, 1)).toEqual(['client', 'tcp://db.ns2:9000', '--count=1', '--timeout=5s']);
  });

  it('names the service by the mesh\'s own domain when the mesh only carries those names', () => {
    expect(clientArgv(http, 1, '.traefik.mesh')[1]).toBe('http://web.ns1.traefik.mesh:80/api?x=1');
  });

  it('parses Key=Value lines per request index; a missing index is a failure', () => {
    const out = ['[0] StatusCode=200', '[0] Hostname=web-v1-abc', '[1 body] StatusCode=403', '[3] Hostname=web-v2'].join('\n');
    expect(parseClientOutput(out, 4, 'http')).toEqual([
      { ok: true, status: 200, backend: 'web-v1-abc' },
      { ok: false, status: 403 },
      { ok: false, error: 'no answer' },
      { ok: false, backend: 'web-v2' },
    ]);
    expect(parseClientOutput('[0] Hostname=db-0', 1, 'tcp')).toEqual([{ ok: true, backend: 'db-0' }]);
  });

  it('execs in the client pod and container the request names and maps a failed exec to failures', async () => {
    const calls: Array<{ target: unknown; argv: string[] }> = [];
    const exec: ExecFn = async (target, argv) => {
      calls.push({ target, argv });
      return argv[1]!.includes('/deny') ? { stdout: '', stderr: 'connection refused', ok: false } : { stdout: '[0] StatusCode=200\n[0] Hostname=web-v1\n[1] StatusCode=200\n[1] Hostname=web-v2\n', stderr: '', ok: true };
    };
    const traffic = new ExecTraffic(exec);
    const signal = new AbortController().signal;
    expect(await traffic.send({ ...http, from: { ...from, container: 'sidecar-free' } }, 2, signal)).toEqual([{ ok: true, status: 200, backend: 'web-v1' }, { ok: true, status: 200, backend: 'web-v2' }]);
    expect(calls[0]!.target).toEqual({ namespace: 'ns1', pod: 'client', container: 'sidecar-free' });
    const denied = await traffic.send({ ...http, path: '/deny' }, 2, signal);
    expect(denied.every((r) => !r.ok && r.error === 'connection refused')).toBe(true);
    expect(calls[1]!.target).toEqual({ namespace: 'ns1', pod: 'client', container: 'client' });
  });
});
