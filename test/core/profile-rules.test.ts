// The project-wide rule of the conformance model, over every interface's real catalog: a core test
// requires only its profile's claims and environment capabilities; a test needing a feature or a
// setting is extended; every extended test names its feature. A fixture catalog shows each rule bites.
import { describe, expect, it } from 'vitest';
import type { CapabilityInfo, ProfileDefinition } from '../../src/core/plugin.js';
import { profileRuleViolations } from '../../src/core/profiles.js';
import { interfaceNames, loadInterface } from '../../src/interfaces/registry.js';

describe('every interface follows the profile rules', () => {
  for (const name of interfaceNames()) {
    it(`${name}: every capability has a kind and every test fits its profile`, async () => {
      const plugin = await loadInterface(name);
      expect(plugin.profiles.length).toBeGreaterThan(0);
      expect(profileRuleViolations(plugin, await plugin.loadTests())).toEqual([]);
    });
  }
});

describe('profileRuleViolations on a fixture catalog', () => {
  const capabilityCatalog: CapabilityInfo[] = [
    { name: 'svc', kind: 'claim', description: '' },
    { name: 'other', kind: 'claim', description: '' },
    { name: 'fast', kind: 'feature', description: '' },
    { name: 'peer', kind: 'setting', flag: '--peer', description: '' },
    { name: 'local', kind: 'environment', description: '' },
  ];
  const profiles: ProfileDefinition[] = [
    { name: 'base', description: '', claimedBy: [] },
    { name: 'svc', description: '', claimedBy: ['svc'] },
    { name: 'other', description: '', claimedBy: ['other'] },
  ];
  const subject = { name: 'fixture', profiles, capabilityCatalog };
  const test = (id: string, fields: Partial<{ requires: string[]; requiresAny: string[]; profile: 'core' | 'extended'; tags: string[] }>) => ({ id, profile: 'core' as const, ...fields });

  it('accepts core tests on claims and environment, extended tests with a Feature tag', () => {
    expect(
      profileRuleViolations(subject, [
        test('a', {}),
        test('b', { requires: ['svc', 'local'] }),
        test('c', { requires: ['svc', 'fast'], profile: 'extended', tags: ['Feature:Fast'] }),
      ]),
    ).toEqual([]);
  });

  it('rejects a core test that needs a feature, a setting, another profile\'s claim, or an unknown capability', () => {
    expect(
      profileRuleViolations(subject, [
        test('feature', { requires: ['svc', 'fast'] }),
        test('setting', { requiresAny: ['peer', 'local'] }),
        test('claim', { requires: ['svc'], requiresAny: ['other'] }),
        test('unknown', { requires: ['nope'] }),
      ]),
    ).toEqual([
      'feature is core but requires the feature fast: make it extended with a Feature:X tag',
      'setting is core but requires the setting peer: make it extended with a Feature:X tag',
      'claim is in profile svc but requires other, a claim of another profile',
      'unknown requires nope, which is not in the capability catalog',
    ]);
  });

  it('rejects an extended test without a Feature tag, a test between two profiles, and an extended test on another profile\'s claim', () => {
    expect(profileRuleViolations(subject, [test('bare', { profile: 'extended', tags: ['Slow'] }), test('both', { requires: ['svc', 'other'], profile: 'extended', tags: ['Feature:X'] })])).toEqual([
      'bare is extended but carries no Feature:X tag',
      'both belongs to both svc and other',
      'both is in profile svc but requires other, a claim of another profile',
    ]);
  });

  it('rejects a profile claimed by a non-claim capability, an orphan claim and a setting without its flag', () => {
    const broken = {
      name: 'broken',
      profiles: [{ name: 'p', description: '', claimedBy: ['fast'] }],
      capabilityCatalog: [...capabilityCatalog.filter((c) => c.name !== 'peer'), { name: 'peer', kind: 'setting' as const, description: '' }],
    };
    expect(profileRuleViolations(broken, [])).toEqual([
      'profile p is claimed by fast, which is not a claim capability',
      'claim capability svc claims no profile',
      'claim capability other claims no profile',
      'setting peer names no flag',
    ]);
  });
});
