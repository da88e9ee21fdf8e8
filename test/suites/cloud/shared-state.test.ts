// The cloud suite's tests that change Nodes never run beside tests that wait for a Service's
// events (see CHANGES_NODES in suites/cloud/define.ts): each test declares its side.
import { describe, expect, it } from 'vitest';
import { CloudCapability } from '../../../src/interfaces/cloud/capabilities.js';
import { cloudTests } from '../../../suites/cloud/index.js';

describe('cloud suite shared state', () => {
  it('every test that creates a LoadBalancer Service needs the Nodes steady, unless it runs alone', () => {
    const missing = cloudTests.filter((t) => !t.serial && t.requires?.includes(CloudCapability.loadBalancer) && !t.sharedState?.needsSteady?.includes('nodes'));
    expect(missing.map((t) => t.id)).toEqual([]);
  });

  it('every test that registers or removes Nodes (tagged Disruptive) says it changes them, unless it runs alone', () => {
    const missing = cloudTests.filter((t) => !t.serial && t.tags?.includes('Disruptive') && !t.sharedState?.changes?.includes('nodes'));
    expect(missing.map((t) => t.id)).toEqual([]);
  });
});
