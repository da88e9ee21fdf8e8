// Traffic in a cluster: the test client (the `client` binary of the echo image Gateway API's mesh
// tests use) is exec-ed in a client pod, so requests start inside the mesh and carry that pod's
// identity. Its output is Key=Value lines prefixed with the request index ("[3] StatusCode=200").
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { Writable } from 'node:stream';
import { raceSignal } from '../../core/deadline.js';
import type { Traffic, TrafficReply, TrafficRequest } from './traffic.js';

/** Runs argv in a container, answering its stdout and stderr; the seam tests replace. */
export type ExecFn = (pod: { namespace: string; pod: string; container: string }, argv: string[], signal: AbortSignal) => Promise<{ stdout: string; stderr: string; ok: boolean }>;

/** `hostSuffix` follows `<service>.<namespace>` in the URL: a mesh reached by its own names (Traefik Mesh's `.traefik.mesh`). */
export function clientArgv(request: TrafficRequest, count: number, hostSuffix = ''): string[] {
  const host = `${request.service}.${request.namespace}${hostSuffix}`;
  const scheme = request.protocol === 'http' ? 'http' : request.protocol;
  const path = request.protocol === 'http' ? (request.path ?? '/') : '';
  const argv = ['client', `${scheme}://${host}:${request.port}${path}`, `--count=${count}`, '--timeout=5s'];
  if (request.protocol === 'http') {
    argv.push(`--method=${request.method ?? 'GET'}`);
    for (const [k, v] of Object.entries(request.headers ?? {})) argv.push('-H', `${k}:${v}`);
  }
  return argv;
}

/** Parses the client's output into one reply per request index; missing indexes are failures. */
export function parseClientOutput(stdout: string, count: number, protocol: TrafficRequest['protocol']): TrafficReply[] {
  const fields = new Map<number, Map<string, string>>();
  for (const line of stdout.split('\n')) {
    const m = /^\[(\d+)[^\]]*\]\s+([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const index = Number(m[1]);
    if (!fields.has(index)) fields.set(index, new Map());
    fields.get(index)!.set(m[2]!, m[3]!);
  }
  const replies: TrafficReply[] = [];
  for (let i = 0; i < count; i++) {
    const f = fields.get(i);
    if (!f) {
      replies.push({ ok: false, error: 'no answer' });
      continue;
    }
    const status = f.has('StatusCode') ? Number(f.get('StatusCode')) : undefined;
    const backend = f.get('Hostname');
    const ok = protocol === 'http' ? status !== undefined && status >= 200 && status < 300 : backend !== undefined;
    replies.push({ ok, ...(status !== undefined ? { status } : {}), ...(backend ? { backend } : {}) });
  }
  return replies;
}

export function kubeExec(kc: KubeConfig): ExecFn {
  const exec = new Exec(kc);
  return async (target, argv, signal) => {
    let stdout = '';
    let stderr = '';
    const sink = (add: (s: string) => void) => new Writable({ write(chunk, _enc, done) { add(String(chunk)); done(); } });
    const finished = new Promise<boolean>((resolve, reject) => {
      exec
        .exec(target.namespace, target.pod, target.container, argv, sink((s) => (stdout += s)), sink((s) => (stderr += s)), null, false, (status: V1Status) => resolve(status.status === 'Success'))
        .then((ws) => signal.addEventListener('abort', () => ws.close(), { once: true }), reject);
    });
    const ok = await raceSignal(finished, signal, `exec ${argv[0]} in ${target.namespace}/${target.pod}`);
    return { stdout, stderr, ok };
  };
}

export class ExecTraffic implements Traffic {
  constructor(private readonly exec: ExecFn, private readonly hostSuffix = '', private readonly container = 'client') {}

  async send(request: TrafficRequest, count: number, signal: AbortSignal): Promise<TrafficReply[]> {
    const out = await this.exec({ namespace: request.from.namespace, pod: request.from.pod, container: request.from.container ?? this.container }, clientArgv(request, count, this.hostSuffix), signal);
    const replies = parseClientOutput(out.stdout, count, request.protocol);
    // A refused connection makes the client exit non-zero with nothing per request: all failed.
    return out.ok ? replies : replies.map((r) => (r.ok ? r : { ...r, error: out.stderr.trim().slice(0, 200) || r.error }));
  }
}
