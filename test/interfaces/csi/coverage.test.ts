import { describe, expect, it } from 'vitest';
import { csiRpcSection } from '../../../src/interfaces/csi/coverage.js';
import { csiPlugin } from '../../../src/interfaces/csi/plugin.js';

describe('the CSI section of docs/coverage/csi.md', () => {
  it('shows all 32 RPCs exercised and the codes the error-case tests assert', async () => {
    const markdown = csiRpcSection(await csiPlugin.loadTests()).join('\n');
    expect(markdown).toContain('32/32 RPCs exercised');
    expect(markdown).not.toContain('**no test**');
    expect(markdown).toMatch(/\| Controller \| ListVolumes \| \d+ \| ABORTED, INVALID_ARGUMENT \|/);
  });

  it('marks an RPC no test calls', async () => {
    const withoutProbe = (await csiPlugin.loadTests()).filter((t) => !t.operations?.includes('Probe'));
    const markdown = csiRpcSection(withoutProbe).join('\n');
    expect(markdown).toContain('31/32 RPCs exercised');
    expect(markdown).toContain('| Identity | Probe | **no test** |');
  });
});
