// The reference prints exactly each version's shape (checked with the harness's own schemas) and
// reads any version back.
import { describe, expect, it } from 'vitest';
import { resultSchemaFor } from '../../../src/interfaces/cni/schemas.js';
import { SPEC_VERSIONS } from '../../../src/interfaces/cni/versions.js';
import { fromAnyVersion, toVersion, type Result } from '../../../src/reference/cni/results.js';

const sample: Result = {
  interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', sandbox: '/run/netns/x', mtu: 1400 }],
  ips: [
    { interface: 0, address: '198.18.0.2/24', gateway: '198.18.0.1' },
    { interface: 0, address: 'fd00:c0f:1::2/64', gateway: 'fd00:c0f:1::1' },
  ],
  routes: [{ dst: '198.19.0.0/16', gw: '198.18.0.1' }],
  dns: { nameservers: ['198.18.0.53'] },
};

describe('reference result conversion', () => {
  it.each(SPEC_VERSIONS)('prints a valid %s result', (version) => {
    const printed = toVersion(sample, version);
    expect(resultSchemaFor(version).safeParse(printed).success).toBe(true);
    expect(printed.cniVersion).toBe(version);
  });

  it('fills ips[].version only for 0.3.x/0.4.0 and mtu only for 1.1.0', () => {
    expect((toVersion(sample, '0.4.0').ips as Array<{ version: string }>).map((i) => i.version)).toEqual(['4', '6']);
    expect(toVersion(sample, '1.0.0').ips).toEqual([
      { interface: 0, address: '198.18.0.2/24', gateway: '198.18.0.1' },
      { interface: 0, address: 'fd00:c0f:1::2/64', gateway: 'fd00:c0f:1::1' },
    ]);
    expect((toVersion(sample, '1.0.0').interfaces as object[])[0]).not.toHaveProperty('mtu');
    expect((toVersion(sample, '1.1.0').interfaces as object[])[0]).toHaveProperty('mtu', 1400);
  });

  it('reads legacy and rich results back', () => {
    expect(fromAnyVersion(toVersion(sample, '0.2.0')).ips.map((i) => i.address)).toEqual(['198.18.0.2/24', 'fd00:c0f:1::2/64']);
    expect(fromAnyVersion(toVersion(sample, '1.1.0'))).toEqual(sample);
  });

  it('rejects other versions\' fields', () => {
    expect(resultSchemaFor('1.0.0').safeParse(toVersion(sample, '0.4.0')).success).toBe(false);
    expect(resultSchemaFor('0.4.0').safeParse(toVersion(sample, '1.1.0')).success).toBe(false);
    expect(resultSchemaFor('0.2.0').safeParse(toVersion(sample, '1.0.0')).success).toBe(false);
  });
});
