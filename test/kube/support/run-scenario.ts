// Runs a scenario against one server and returns what it observed, plus every step whose status
// code was not the one the scenario requires.
import { setTimeout as sleep } from 'node:timers/promises';
import { RawKubeClient, type KubeEndpoint } from '../../../bench/kube-client.js';
import { pick, type Observation, type Scenario } from '../scenarios/scenario.js';

export interface ScenarioRecord {
  observations: Observation[];
  wrongCodes: string[];
}

export async function runScenario(endpoint: KubeEndpoint, scenario: Scenario): Promise<ScenarioRecord> {
  const client = new RawKubeClient(endpoint, 8);
  const observations: Observation[] = [];
  const wrongCodes: string[] = [];
  const ns = `s-${scenario.name}`;
  try {
    const created = await client.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    if (created.code !== 201) throw new Error(`creating namespace ${ns}: ${created.code} ${JSON.stringify(created.body)}`);
    await scenario.run({
      client,
      ns,
      observe(label, response, options) {
        const observation: Observation = { label, code: response.code, fields: {} };
        const body = response.body as Record<string, unknown> | undefined;
        if (body && typeof body === 'object' && body.kind === 'Status' && typeof body.reason === 'string') observation.reason = body.reason;
        for (const field of options.fields ?? []) observation.fields[field] = pick(body, field);
        observations.push(observation);
        if (response.code !== options.code) wrongCodes.push(`${label}: expected ${options.code}, got ${response.code} ${JSON.stringify(body).slice(0, 400)}`);
      },
      async eventually(what, probe, timeoutMs = 10_000) {
        const deadline = Date.now() + timeoutMs;
        while (!(await probe())) {
          if (Date.now() > deadline) throw new Error(`${scenario.name}: ${what} did not happen within ${timeoutMs} ms`);
          await sleep(100);
        }
      },
    });
  } finally {
    client.close();
  }
  return { observations, wrongCodes };
}

/** Differences between two records, one line each (empty: the servers agree). */
export function compareRecords(ours: Observation[], theirs: Observation[]): string[] {
  const out: string[] = [];
  const n = Math.max(ours.length, theirs.length);
  for (let i = 0; i < n; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (!a || !b) {
      out.push(`step ${i}: only one server got here (${a?.label ?? b?.label})`);
      continue;
    }
    if (a.code !== b.code) out.push(`${a.label}: code ${a.code} vs ${b.code}`);
    if (a.reason !== b.reason) out.push(`${a.label}: reason ${String(a.reason)} vs ${String(b.reason)}`);
    for (const field of Object.keys({ ...a.fields, ...b.fields })) {
      const x = canonical(a.fields[field]);
      const y = canonical(b.fields[field]);
      if (x !== y) out.push(`${a.label}: ${field} = ${x} vs ${y}`);
    }
  }
  return out;
}

/** JSON with object keys sorted: key order carries no meaning in Kubernetes objects. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
