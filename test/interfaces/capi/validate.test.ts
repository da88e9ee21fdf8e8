// Template files of `conformal run capi`: a bare spec, or a whole object whose spec is used and
// whose labels and annotations are kept on every object made from it; anything else is exit 2
// naming the flag.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractOfLabels } from '../../../src/interfaces/capi/contract.js';
import { capiOptionsSchema } from '../../../src/interfaces/capi/options.js';
import { validateCapiOptions } from '../../../src/interfaces/capi/validate.js';
import { templateMeta } from '../../../suites/capi/fixtures.js';

async function file(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'capi-template-')), 't.yaml');
  await writeFile(path, text);
  return path;
}

const options = (extra: Record<string, unknown>) => capiOptionsSchema.parse({ kubeconfig: '/dev/null', infrastructure: 'DevCluster/DevMachine', ...extra });

describe('capi template files', () => {
  it('takes a bare spec as the spec, with no metadata', async () => {
    const specs = validateCapiOptions(options({ clusterTemplate: await file('backend:\n  inMemory: {}\n') }));
    expect(specs.cluster).toEqual({ backend: { inMemory: {} } });
    expect(specs.clusterMeta).toEqual({});
  });

  it("keeps a whole object's labels and annotations, not its name", async () => {
    const specs = validateCapiOptions(options({ machineTemplate: await file('kind: DevMachine\nmetadata:\n  name: ignored\n  labels: {team: a}\n  annotations: {note: b}\nspec:\n  backend: {}\n') }));
    expect(specs.machine).toEqual({ backend: {} });
    expect(specs.machineMeta).toEqual({ labels: { team: 'a' }, annotations: { note: 'b' } });
  });

  it('refuses labels that are not a map of strings, naming the flag', async () => {
    const bad = await file('kind: DevCluster\nmetadata:\n  labels: [a]\nspec: {}\n');
    expect(() => validateCapiOptions(options({ clusterTemplate: bad }))).toThrow(/--cluster-template .*metadata.labels is not a map of strings/);
  });

  it("puts conformal's own labels and annotations over the template's", () => {
    expect(templateMeta({ labels: { 'cluster.x-k8s.io/cluster-name': 'theirs', team: 'a' }, annotations: { note: 'b' } }, { labels: { 'cluster.x-k8s.io/cluster-name': 'ours' } })).toEqual({
      labels: { 'cluster.x-k8s.io/cluster-name': 'ours', team: 'a' },
      annotations: { note: 'b' },
    });
    expect(templateMeta({})).toEqual({});
  });

  it('takes a --control-plane-template object as the ControlPlane spec with its labels and annotations', async () => {
    const specs = validateCapiOptions(options({ controlPlane: 'KubeadmControlPlane', controlPlaneTemplate: await file('kind: KubeadmControlPlane\nmetadata:\n  labels: {tier: cp}\nspec:\n  version: v1.34.2\n') }));
    expect(specs.controlPlane).toEqual({ version: 'v1.34.2' });
    expect(specs.controlPlaneMeta).toEqual({ labels: { tier: 'cp' } });
  });

  it('refuses a malformed --control-plane, a template without it, and --control-plane on the embedded run, naming the flag', async () => {
    const fieldOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return { message: (error as Error).message, field: (error as { field?: string }).field };
      }
      return undefined;
    };
    expect(fieldOf(() => validateCapiOptions(options({ controlPlane: 'kubeadm/control-plane' })))).toMatchObject({ field: '--control-plane', message: expect.stringContaining('<ControlPlaneKind>') });
    const template = await file('spec: {}\n');
    expect(fieldOf(() => validateCapiOptions(options({ controlPlaneTemplate: template })))).toMatchObject({ field: '--control-plane-template', message: expect.stringContaining('needs --control-plane') });
    expect(fieldOf(() => validateCapiOptions(capiOptionsSchema.parse({ controlPlane: 'KubeadmControlPlane' })))).toMatchObject({ field: '--control-plane', message: expect.stringContaining('needs --kubeconfig') });
    const list = await file('- a\n- b\n');
    expect(fieldOf(() => validateCapiOptions(options({ controlPlane: 'KubeadmControlPlane', controlPlaneTemplate: list })))).toMatchObject({ field: '--control-plane-template' });
  });
});

describe('capi --contract', () => {
  it('applies to the embedded reference only: an external provider is judged by its CRD labels (exit 2 naming --contract)', () => {
    expect(() => validateCapiOptions(options({ contract: 'v1beta1' }))).toThrow(expect.objectContaining({ field: '--contract', message: expect.stringMatching(/read from its CRD labels/) }));
    expect(validateCapiOptions(capiOptionsSchema.parse({ contract: 'v1beta1' })).cluster).toEqual({});
  });

  it("refuses a fault of the other contract's reference, naming --reference-fault", () => {
    expect(() => validateCapiOptions(capiOptionsSchema.parse({ contract: 'v1beta1', referenceFault: 'v1beta1-fields' }))).toThrow(expect.objectContaining({ field: '--reference-fault' }));
    expect(() => validateCapiOptions(capiOptionsSchema.parse({ referenceFault: 'failure-domains-list' }))).toThrow(expect.objectContaining({ field: '--reference-fault' }));
    expect(() => validateCapiOptions(capiOptionsSchema.parse({ contract: 'v1beta1', referenceFault: 'failure-domains-list' }))).not.toThrow();
  });
});

describe('capi contract discovery', () => {
  it('is v1beta2 when any CRD carries the v1beta2 label, v1beta1 when only the v1beta1 label is there, v1beta2 (to be failed by the label test) with neither', () => {
    expect(contractOfLabels([{ 'cluster.x-k8s.io/v1beta1': 'v1beta1' }, { 'cluster.x-k8s.io/v1beta2': 'v1beta2', 'cluster.x-k8s.io/v1beta1': 'v1beta1' }])).toBe('v1beta2');
    expect(contractOfLabels([{ 'cluster.x-k8s.io/v1beta1': 'v1beta1' }, {}])).toBe('v1beta1');
    expect(contractOfLabels([{ 'cluster.x-k8s.io/provider': 'infrastructure-x' }])).toBe('v1beta2');
  });
});
