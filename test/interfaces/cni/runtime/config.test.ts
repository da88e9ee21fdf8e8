// Reading network configurations: single plugin configs and lists, errors that name the field.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/core/errors.js';
import { parseNetworkConfig, selectVersion } from '../../../../src/interfaces/cni/runtime/config.js';

describe('network configuration', () => {
  it('turns a single plugin config into a one-plugin list keeping unknown keys', () => {
    const list = parseNetworkConfig(JSON.stringify({ cniVersion: '0.4.0', name: 'n', type: 'bridge', bridge: 'br0', disableCheck: true }), 'f');
    expect(list).toMatchObject({ name: 'n', cniVersion: '0.4.0', single: true, disableCheck: true, plugins: [{ type: 'bridge', bridge: 'br0' }] });
    expect(list.plugins[0]).not.toHaveProperty('cniVersion');
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['bad name', JSON.stringify({ cniVersion: '1.0.0', name: 'a/b', type: 'x' }), /"name"/],
    ['unknown version', JSON.stringify({ cniVersion: '7.0.0', name: 'n', type: 'x' }), /cniVersion/],
    ['type with a slash', JSON.stringify({ cniVersion: '1.0.0', name: 'n', plugins: [{ type: '../x' }] }), /plugins\[0\]\.type/],
    ['empty list', JSON.stringify({ cniVersion: '1.0.0', name: 'n', plugins: [] }), /plugins/],
  ])('rejects %s with a ConfigError naming the field', (_what, text, pattern) => {
    expect(() => parseNetworkConfig(text, 'net.conflist')).toThrow(ConfigError);
    expect(() => parseNetworkConfig(text, 'net.conflist')).toThrow(pattern);
  });

  it('selects the highest known version', () => {
    expect(selectVersion('0.3.1', ['1.0.0', '0.4.0'])).toBe('1.0.0');
    expect(selectVersion('2.0.0', ['1.1.0'])).toBe('1.1.0');
    expect(selectVersion(undefined, [])).toBeUndefined();
  });
});
