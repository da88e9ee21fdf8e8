// Data-plane assertions with Gateway API's tolerances: a state holds when 3 consecutive requests
// show it within the 30 s consistency window (polled every 100 ms); weights hold when each
// backend's share of 500 requests is within ±5 percentage points, the whole check retried up to
// 10 times (conformance/utils/weight/weight.go).
import { deadlineSignal } from '../../src/core/deadline.js';
import { ConformanceError } from '../../src/core/errors.js';
import { describeRequest, type TrafficReply, type TrafficRequest } from '../../src/interfaces/smi/traffic.js';
import type { SmiContext } from './define.js';

export const CONSISTENCY_WINDOW_MS = 30_000;
export const POLL_INTERVAL_MS = 100;
export const CONSECUTIVE = 3;
export const WEIGHT_REQUESTS = 500;
export const WEIGHT_TOLERANCE = 0.05;
export const WEIGHT_RETRIES = 10;

export const isAllowed = (r: TrafficReply) => r.ok;
/** Refused: no answer from a server, or an HTTP refusal (any non-2xx). */
export const isRefused = (r: TrafficReply) => !r.ok;

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

const describeReply = (r: TrafficReply | undefined) => (r ? `ok=${r.ok}${r.status !== undefined ? ` status=${r.status}` : ''}${r.backend ? ` backend=${r.backend}` : ''}${r.error ? ` error=${r.error}` : ''}` : 'no reply');

/** Waits until `holds` is true of 3 consecutive replies, within the consistency window. */
export async function eventually(ctx: SmiContext, request: TrafficRequest, holds: (r: TrafficReply) => boolean, what: string): Promise<void> {
  const window = deadlineSignal(CONSISTENCY_WINDOW_MS, `${what}: ${describeRequest(request)}`, ctx.signal);
  let streak = 0;
  let last: TrafficReply | undefined;
  try {
    while (!window.signal.aborted) {
      [last] = await ctx.env.traffic.send(request, 1, window.signal);
      streak = last && holds(last) ? streak + 1 : 0;
      if (streak >= CONSECUTIVE) return;
      await sleep(POLL_INTERVAL_MS, window.signal);
    }
  } catch (error) {
    if (!window.signal.aborted) throw error;
  } finally {
    window.dispose();
  }
  throw new ConformanceError(`${what} did not hold for ${CONSECUTIVE} consecutive requests within ${CONSISTENCY_WINDOW_MS / 1000} s (${describeRequest(request)}); last reply: ${describeReply(last)}`);
}

export const allowedEventually = (ctx: SmiContext, r: TrafficRequest, what = 'the request is allowed') => eventually(ctx, r, isAllowed, what);
export const refusedEventually = (ctx: SmiContext, r: TrafficRequest, what = 'the request is refused') => eventually(ctx, r, isRefused, what);

/** Which backend answered each of `n` requests; every request must have been answered. */
export async function tally(ctx: SmiContext, request: TrafficRequest, n: number): Promise<Map<string, number>> {
  const replies = await ctx.env.traffic.send(request, n, ctx.signal);
  const counts = new Map<string, number>();
  const failed = replies.filter((r) => !r.ok || !r.backend);
  if (failed.length > 0) throw new ConformanceError(`${failed.length} of ${n} requests failed (${describeRequest(request)}); first: ${describeReply(failed[0])}`);
  for (const r of replies) counts.set(r.backend!, (counts.get(r.backend!) ?? 0) + 1);
  return counts;
}

export function weightProblems(counts: ReadonlyMap<string, number>, expected: Readonly<Record<string, number>>, total: number): string[] {
  const problems: string[] = [];
  const weightSum = Object.values(expected).reduce((a, b) => a + b, 0);
  for (const [backend, n] of counts) if (!(expected[backend]! > 0)) problems.push(`${backend} got ${n} requests but should get none`);
  for (const [backend, weight] of Object.entries(expected)) {
    if (weight <= 0) continue;
    const share = (counts.get(backend) ?? 0) / total;
    const want = weight / weightSum;
    if (Math.abs(share - want) > WEIGHT_TOLERANCE) problems.push(`${backend} got ${(share * 100).toFixed(1)} % instead of ${(want * 100).toFixed(1)} ± ${WEIGHT_TOLERANCE * 100} %`);
  }
  return problems;
}

/** The weight check: 500 requests split as `expected` (backend pod -> weight), retried up to 10 times. */
export async function expectWeights(ctx: SmiContext, request: TrafficRequest, expected: Readonly<Record<string, number>>): Promise<void> {
  let problems: string[] = [];
  for (let attempt = 1; attempt <= WEIGHT_RETRIES; attempt++) {
    const counts = await tally(ctx, request, WEIGHT_REQUESTS);
    problems = weightProblems(counts, expected, WEIGHT_REQUESTS);
    if (problems.length === 0) {
      ctx.measure('weight_check_attempts', attempt);
      return;
    }
    ctx.log(`weight check attempt ${attempt}: ${problems.join('; ')}`);
  }
  throw new ConformanceError(`traffic split not as weighted after ${WEIGHT_RETRIES} checks of ${WEIGHT_REQUESTS} requests (${describeRequest(request)}): ${problems.join('; ')}`);
}
