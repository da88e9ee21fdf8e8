// The BootstrapConfig contract (v1beta2, and the deprecated v1beta1 through the same bodies): act
// only once owned by a Machine; report the data Secret in status.dataSecretName with
// status.initialization.dataSecretCreated (v1beta1: status.ready); the Secret has the contract's
// type, label, controller owner reference and `value` key.
import { ConformanceError } from '../../src/core/errors.js';
import { CAPI_SECRET_TYPE, CLUSTER_NAME_LABEL, CONTROL_PLANE_LABEL, CoreKinds, MACHINE_KUBERNETES_VERSION } from '../../src/interfaces/capi/well-known.js';
import { CONTRACTS } from '../../src/interfaces/capi/contract.js';
import { capiTest, CONTRACT_SUITES, type CapiContext, type CapiTest, type ContractSuite } from './define.js';
import { create, describe, namespace, ownerRefTo, watch, type Obj, type Observer } from './fixtures.js';

/** The config reports its data Secret by its contract's signal (status.initialization.dataSecretCreated, or status.ready for v1beta1). */
const created = (ctx: CapiContext) => (o: Obj | undefined) => CONTRACTS[ctx.env.bootstrap!.contract].bootstrapReady(o);
const createdText = (ctx: CapiContext) => `${CONTRACTS[ctx.env.bootstrap!.contract].bootstrapReadyField}: true`;

interface ConfigScene {
  readonly ns: string;
  readonly cluster: Obj;
  readonly configs: Observer;
}

async function configScene(ctx: CapiContext): Promise<ConfigScene> {
  const ns = await namespace(ctx);
  const configs = await watch(ctx, ctx.env.bootstrap!.config, ns);
  // Upstream's Cluster CRD wants at least one spec field (minProperties: 1); `paused: false` says nothing more.
  const cluster = await create(ctx, CoreKinds.cluster, ns, { metadata: { name: ctx.unique('cluster') }, spec: { paused: false } });
  return { ns, cluster, configs };
}

/**
 * A Machine with a bootstrap config from the provider's spec, owned as core does it (or not). The
 * Cluster has no control plane yet, so the Machine is its first control plane Machine (label and
 * Kubernetes version, as a control plane provider makes them): the one Machine whose bootstrap data
 * any provider can write before a control plane exists (a worker's join data needs one, e.g. kubeadm's).
 *
 * The bootstrap profile tests no infrastructure provider, so the Machine's infrastructureRef names an
 * object that never exists, of the bootstrap provider's own kind: core must resolve the kind of every
 * reference (its CRD's contract label gives the version) to convert the Machine between its API
 * versions and to delete it, and the config's kind is the one kind core resolves here whenever it
 * resolves the configRef. A kind without a CRD breaks both: core's conversion webhook fails for the
 * Machine (so do Machine watches and lists at another version) and its deletion waits forever for
 * the infrastructure to go.
 */
async function newConfig(ctx: CapiContext, scene: ConfigScene, owned = true): Promise<string> {
  const kind = ctx.env.bootstrap!.config;
  const name = ctx.unique('config');
  const clusterName = scene.cluster.metadata.name;
  const machine = await create(ctx, CoreKinds.machine, scene.ns, {
    metadata: { name, labels: { [CLUSTER_NAME_LABEL]: clusterName, [CONTROL_PLANE_LABEL]: '' } },
    spec: {
      clusterName,
      version: MACHINE_KUBERNETES_VERSION,
      bootstrap: owned ? { configRef: { apiGroup: kind.group, kind: kind.kind, name } } : {},
      infrastructureRef: { apiGroup: kind.group, kind: kind.kind, name: `${name}-no-infrastructure` },
    },
  });
  await create(ctx, kind, scene.ns, {
    metadata: { name, labels: { [CLUSTER_NAME_LABEL]: clusterName }, ...(owned ? { ownerReferences: [ownerRefTo(CoreKinds.machine, machine, true)] } : {}) },
    spec: structuredClone(ctx.env.bootstrap!.spec),
  });
  return name;
}

async function readySecret(ctx: CapiContext) {
  const scene = await configScene(ctx);
  const name = await newConfig(ctx, scene);
  const config = await scene.configs.object(name, created(ctx), createdText(ctx), ctx.signal, describe);
  const secretName = config.status?.dataSecretName;
  if (typeof secretName !== 'string' || secretName.length < 1 || secretName.length > 253) throw new ConformanceError(`config ${name} reports ${createdText(ctx)} with status.dataSecretName ${JSON.stringify(secretName)}`);
  const secret = await ctx.env.core.readNamespacedSecret({ name: secretName, namespace: scene.ns }).catch((error: unknown) => {
    throw new ConformanceError(`config ${name} names data Secret ${secretName}, which cannot be read: ${(error as Error).message}`, { cause: error });
  });
  return { scene, config, secret };
}

export const bootstrapTestsFor = (s: ContractSuite): CapiTest[] => [
  capiTest({
    id: s.id('capi.bootstrap.data-secret'),
    title: s.title('an owned bootstrap config reports a data Secret that exists'),
    spec: s.spec('bootstrap-config', 'BootstrapConfig: data secret; initialization completed', `status.dataSecretName (1-253) names the Secret, with ${s.c.bootstrapReadyField}: true`),
    profile: 'core',
    operations: ['BootstrapConfig'],
    requires: s.BOOTSTRAP,
    async run(ctx) {
      await readySecret(ctx);
    },
  }),
  capiTest({
    id: s.id('capi.bootstrap.secret-format'),
    title: s.title("the bootstrap data Secret has the contract's type, cluster-name label, controller owner and value key"),
    spec: s.spec('bootstrap-config', 'BootstrapConfig: data secret', 'the Secret has label cluster.x-k8s.io/cluster-name, a controller owner reference to the config and the data under the key value'),
    profile: 'core',
    operations: ['BootstrapConfig'],
    requires: s.BOOTSTRAP,
    async run(ctx) {
      const { scene, config, secret } = await readySecret(ctx);
      const problems: string[] = [];
      const where = `Secret ${secret.metadata?.name}`;
      if (secret.type !== CAPI_SECRET_TYPE) problems.push(`${where} has type ${JSON.stringify(secret.type)}, expected ${CAPI_SECRET_TYPE}`);
      if (secret.metadata?.labels?.[CLUSTER_NAME_LABEL] !== scene.cluster.metadata.name) problems.push(`${where} has ${CLUSTER_NAME_LABEL}=${JSON.stringify(secret.metadata?.labels?.[CLUSTER_NAME_LABEL])}, expected ${scene.cluster.metadata.name}`);
      const controller = secret.metadata?.ownerReferences?.find((r) => r.controller);
      if (controller?.uid !== config.metadata.uid) problems.push(`${where} is not controlled by config ${config.metadata.name} (controller: ${JSON.stringify(controller)})`);
      if (!secret.data?.value) problems.push(`${where} has no key "value" (keys: ${Object.keys(secret.data ?? {}).join(', ')})`);
      if (problems.length) throw new ConformanceError(problems.join('; '));
    },
  }),
  capiTest({
    id: s.id('capi.bootstrap.waits-for-owner'),
    title: s.title('a bootstrap config without an owner reference to a Machine is left alone'),
    spec: s.spec('bootstrap-config', 'BootstrapConfig: owner reference', 'the provider reconciles a config only once core set its owner reference to the Machine'),
    profile: 'core',
    operations: ['BootstrapConfig'],
    requires: s.BOOTSTRAP,
    async run(ctx) {
      const scene = await configScene(ctx);
      const orphan = await newConfig(ctx, scene, false);
      const witness = await newConfig(ctx, scene);
      await scene.configs.object(witness, created(ctx), 'the witness config ready', ctx.signal, describe);
      const now = scene.configs.get(orphan);
      if (now?.status?.dataSecretName || created(ctx)(now)) throw new ConformanceError(`config ${orphan} has no owner but the provider acted on it: ${describe(now)}`);
    },
  }),
];

export const bootstrapTests = bootstrapTestsFor(CONTRACT_SUITES.v1beta2);
