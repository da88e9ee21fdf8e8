// The shape of a differential scenario: a script of raw API requests whose observable results
// (status code, reason, chosen fields) are recorded, so the same script can run against the
// in-memory server and a real kube-apiserver and the two records compared.
import type { KubeResponse, RawKubeClient } from '../../../bench/kube-client.js';

export interface Observation {
  label: string;
  code: number;
  reason?: string;
  fields: Record<string, unknown>;
}

export interface ObserveOptions {
  /** The code this step must answer on any conformant server. */
  code: number;
  /** Dotted paths (a.b[0].c) into the response body whose values both servers must agree on. */
  fields?: string[];
}

export interface ScenarioContext {
  client: RawKubeClient;
  /** A namespace created for this scenario (same name on both servers). */
  ns: string;
  observe(label: string, response: KubeResponse, options: ObserveOptions): void;
  /** Polls `probe` until it returns true (real servers apply some changes asynchronously). */
  eventually(what: string, probe: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
}

export interface Scenario {
  name: string;
  /** Needs controllers (garbage collector, namespace controller) besides the API server. */
  controllers?: boolean;
  /** Why it runs on the in-memory server only (the real side cannot be set up for it here). */
  inMemoryOnly?: string;
  run(ctx: ScenarioContext): Promise<void>;
}

export function pick(body: unknown, path: string): unknown {
  let cur: unknown = body;
  for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = part.startsWith('[') ? (cur as unknown[])[Number(part.slice(1, -1))] : (cur as Record<string, unknown>)[part];
  }
  return cur;
}
