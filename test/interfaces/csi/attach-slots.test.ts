import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttachSlots } from '../../../src/interfaces/csi/attach-slots.js';
import { ACCESS_MODES } from '../../../src/interfaces/csi/types.js';
import { startCsiReference } from '../../../src/reference/csi/index.js';
import { failures, runCsiSuite } from '../../suites/csi/run-suite.js';

describe('AttachSlots', () => {
  it('hands out at most `limit` slots and queues the rest in order', async () => {
    const slots = new AttachSlots(2);
    const signal = new AbortController().signal;
    const a = await slots.acquire(signal);
    await slots.acquire(signal);
    const order: string[] = [];
    const third = slots.acquire(signal).then((release) => (order.push('third'), release));
    const fourth = slots.acquire(signal).then(() => order.push('fourth'));
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    a();
    a(); // releasing twice frees one slot only
    (await third)();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
  });

  it('gives up when the test is cancelled', async () => {
    const slots = new AttachSlots(1);
    await slots.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
  });
});

describe('a driver with an attach limit of 2', () => {
  it('passes the suite in parallel: tests wait for attach slots instead of failing with RESOURCE_EXHAUSTED', async () => {
    const server = await startCsiReference({
      endpoint: `unix://${join(mkdtempSync(join(tmpdir(), 'csi-slots-')), 'csi.sock')}`,
      maxVolumesPerNode: 2,
      realPaths: true,
      otherNodeIds: ['conformal-node-2'],
    });
    try {
      const { result } = await runCsiSuite({
        endpoint: server.address,
        accessType: ['mount', 'block'],
        accessModes: [...ACCESS_MODES],
        otherNodeIds: ['conformal-node-2'],
        mutableParameters: { iops: '3000' },
        testNodeAttachLimit: true,
      });
      expect(failures(result)).toEqual([]);
      expect(result.results.find((r) => r.id === 'csi.controller.publish-volume.attach-limit')?.status).toBe('passed');
    } finally {
      await server.close();
    }
  }, 120_000);
});
