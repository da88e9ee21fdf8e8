import { describe, expect, it } from 'vitest';
import { formatStats, summarizeSamples } from '../../../src/interfaces/cri/bench.js';

describe('CRI bench statistics', () => {
  it('computes nearest-rank percentiles per operation', () => {
    const samples = new Map([['RunPodSandbox', Array.from({ length: 100 }, (_, i) => 100 - i)]]);
    const [stats] = summarizeSamples(samples);
    expect(stats).toEqual({ operation: 'RunPodSandbox', count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(formatStats([stats!])).toMatch(/RunPodSandbox\s+100\s+50\.00\s+90\.00\s+99\.00\s+100\.00/);
  });
});
