// open(): reach the management cluster (or start the embedded one with the reference providers
// and core controllers as its clients), find the CRDs of the providers under test and whether core
// runs, and build the env. Also the run's leak check.
import { CoreV1Api, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import type { OpenContext, Session } from '../../core/plugin.js';
import { openKubeSession, referenceLog } from '../../kube-kit/session.js';
import { RefKinds, startReferenceCapi, type CapiFaultName, type ReferenceCapi } from '../../reference/capi/index.js';
import { CapiCapability } from './capabilities.js';
import { CONTRACTS, contractOfLabels } from './contract.js';
import { controlPlaneShape, crdInfo, findCrd, hasCoreApi, kindRef, listCrds, probeCore } from './discovery.js';
import type { BootstrapUnderTest, CapiEnv, ControlPlaneUnderTest, InfraUnderTest } from './env.js';
import type { CapiOptions } from './options.js';
import { validateCapiOptions, type TemplateSpecs } from './validate.js';

const LEAK_KINDS = [{ apiVersion: 'v1', kind: 'Namespace' }];
const qualified = (k: { kind: string; group: string }) => `${k.kind}.${k.group}`;

function providers(crds: Awaited<ReturnType<typeof listCrds>>, infraFlag: string | undefined, bootstrapFlag: string | undefined, specs: TemplateSpecs, warnings: string[]) {
  let infra: InfraUnderTest | undefined;
  if (infraFlag) {
    const [clusterKind, machineKind] = infraFlag.split('/') as [string, string];
    const cluster = findCrd(crds, clusterKind);
    const machine = findCrd(crds, machineKind);
    if (!cluster || !machine) warnings.push(`--infrastructure ${infraFlag}: no CRD for ${!cluster ? clusterKind : machineKind}; the infrastructure tests are skipped`);
    else {
      const templateCrd = crds.find((c) => c.spec.group === machine.spec.group && c.spec.names.kind === `${machine.spec.names.kind}Template`);
      const clusterTemplate = crds.find((c) => c.spec.group === cluster.spec.group && c.spec.names.kind === `${cluster.spec.names.kind}Template`);
      const all = [cluster, machine, templateCrd, clusterTemplate].filter((c) => c !== undefined);
      const contract = contractOfLabels([cluster, machine].map((c) => crdInfo(c).labels));
      const ref = (c: V1CustomResourceDefinition) => kindRef(c, CONTRACTS[contract].label);
      infra = {
        contract,
        cluster: ref(cluster),
        machine: ref(machine),
        ...(templateCrd ? { machineTemplate: ref(templateCrd) } : {}),
        kinds: all.map(ref),
        crds: all.map(crdInfo),
        clusterSpec: specs.cluster,
        machineSpec: specs.machine,
        clusterMeta: specs.clusterMeta,
        machineMeta: specs.machineMeta,
      };
    }
  }
  let bootstrap: BootstrapUnderTest | undefined;
  if (bootstrapFlag) {
    const config = findCrd(crds, bootstrapFlag);
    if (!config) warnings.push(`--bootstrap ${bootstrapFlag}: no such CRD; the bootstrap tests are skipped`);
    else {
      const template = crds.find((c) => c.spec.group === config.spec.group && c.spec.names.kind === `${config.spec.names.kind}Template`);
      const all = [config, template].filter((c) => c !== undefined);
      const contract = contractOfLabels([crdInfo(config).labels]);
      const ref = (c: V1CustomResourceDefinition) => kindRef(c, CONTRACTS[contract].label);
      bootstrap = { contract, config: ref(config), kinds: all.map(ref), crds: all.map(crdInfo), spec: specs.bootstrap };
    }
  }
  return { infra, bootstrap };
}

function controlPlaneProvider(crds: Awaited<ReturnType<typeof listCrds>>, flag: string | undefined, specs: TemplateSpecs, warnings: string[]): ControlPlaneUnderTest | undefined {
  if (!flag) return undefined;
  const crd = findCrd(crds, flag);
  if (!crd) {
    warnings.push(`--control-plane ${flag}: no such CRD; the control-plane tests are skipped`);
    return undefined;
  }
  const contract = contractOfLabels([crdInfo(crd).labels]);
  if (contract !== 'v1beta2') {
    warnings.push(`--control-plane ${flag}: its CRD carries ${CONTRACTS.v1beta1.label} and not ${CONTRACTS.v1beta2.label}; the ControlPlane contract is checked in its v1beta2 form only, so the control-plane tests are skipped`);
    return undefined;
  }
  const template = crds.find((c) => c.spec.group === crd.spec.group && c.spec.names.kind === `${crd.spec.names.kind}Template`);
  const all = [crd, template].filter((c) => c !== undefined);
  const ref = (c: V1CustomResourceDefinition) => kindRef(c);
  return { contract, controlPlane: ref(crd), ...(template ? { template: ref(template) } : {}), shape: controlPlaneShape(crd), kinds: all.map(ref), crds: all.map(crdInfo), spec: specs.controlPlane, meta: specs.controlPlaneMeta };
}

export async function openCapiSession(options: CapiOptions, context: OpenContext): Promise<Session<CapiEnv>> {
  const specs = validateCapiOptions(options);
  const name = 'conformal reference Cluster API providers and core controllers';
  return openKubeSession(options, context, { name, leakKinds: LEAK_KINDS }, async ({ target, onClose }) => {
    let reference: ReferenceCapi | undefined;
    let infraFlag = options.infrastructure;
    let bootstrapFlag = options.bootstrap;
    let controlPlaneFlag = options.controlPlane;
    if (target.embedded) {
      const started = await startReferenceCapi({
        kubeconfig: target.embeddedKubeconfig!,
        ...(options.referenceFault ? { fault: options.referenceFault as CapiFaultName } : {}),
        ...(options.contract ? { contract: options.contract } : {}),
        log: referenceLog(context.log),
      });
      reference = started;
      onClose(() => started.close());
      infraFlag = `${qualified(RefKinds.infraCluster)}/${qualified(RefKinds.infraMachine)}`;
      bootstrapFlag = qualified(RefKinds.bootstrapConfig);
      controlPlaneFlag = qualified(RefKinds.controlPlane);
    }
    const warnings: string[] = [];
    const crds = await listCrds(target.kc);
    const { infra, bootstrap } = providers(crds, infraFlag, bootstrapFlag, specs, warnings);
    const controlPlane = controlPlaneProvider(crds, controlPlaneFlag, specs, warnings);
    const coreApi = hasCoreApi(crds);
    const capabilities = new Set<string>();
    const claimNotes = new Map<string, string>();
    // A provider is judged by the contract its CRDs are labelled for, never by the other one's rules.
    const underTest = [
      infra && { provider: infra, kind: infra.cluster, type: 'infrastructure', claims: { v1beta2: CapiCapability.infrastructure, v1beta1: CapiCapability.infrastructureV1beta1 } },
      bootstrap && { provider: bootstrap, kind: bootstrap.config, type: 'bootstrap', claims: { v1beta2: CapiCapability.bootstrap, v1beta1: CapiCapability.bootstrapV1beta1 } },
    ];
    for (const u of underTest) {
      if (!u) continue;
      const ours = u.provider.contract;
      const other = ours === 'v1beta1' ? 'v1beta2' : 'v1beta1';
      capabilities.add(u.claims[ours]);
      const labels = ours === 'v1beta1' ? `${CONTRACTS.v1beta1.label} and not ${CONTRACTS.v1beta2.label}` : CONTRACTS.v1beta2.label;
      claimNotes.set(u.claims[other], `${qualified(u.kind)} is a contract ${ours} ${u.type} provider: its CRDs carry ${labels}, so the ${ours} profiles judge it, not the ${other} ones`);
      if (ours === 'v1beta1') warnings.push(`${qualified(u.kind)}: its CRDs carry ${labels}, so it is tested against the deprecated v1beta1 contract (profiles ${u.type}-v1beta1, with-core-v1beta1); Cluster API core accepts that contract only until v1.16`);
    }
    if (controlPlane) {
      capabilities.add(CapiCapability.controlPlane);
      if (controlPlane.shape.machines) capabilities.add(CapiCapability.controlPlaneMachines);
      if (controlPlane.shape.replicas) capabilities.add(CapiCapability.controlPlaneReplicas);
      if (controlPlane.shape.version) capabilities.add(CapiCapability.controlPlaneVersion);
      if (controlPlane.template) capabilities.add(CapiCapability.controlPlaneTemplate);
    }
    if (coreApi) capabilities.add(CapiCapability.coreApi);
    else warnings.push('the Cluster API core CRDs are not installed: the provider tests need Clusters and Machines to own their objects');
    const coreRunning = coreApi && (await probeCore(target.kc, context.runId, options.probeTimeout, context.signal, context.log));
    if (coreRunning) capabilities.add(CapiCapability.core);
    if (reference) capabilities.add(CapiCapability.cloudInventory);
    if (!infra && !target.embedded && !options.infrastructure) warnings.push('no --infrastructure: the infrastructure provider tests are skipped');

    const env: CapiEnv = {
      kc: target.kc,
      core: target.kc.makeApiClient(CoreV1Api),
      runId: context.runId,
      embedded: target.embedded,
      ...(infra ? { infra } : {}),
      ...(bootstrap ? { bootstrap } : {}),
      ...(controlPlane ? { controlPlane } : {}),
      coreRunning,
      ...(reference ? { inventory: () => reference!.inventory() } : {}),
    };
    return {
      env,
      capabilities,
      claimNotes,
      warnings,
      name: [infra && `infrastructure ${qualified(infra.cluster)}`, bootstrap && `bootstrap ${qualified(bootstrap.config)}`, controlPlane && `control plane ${qualified(controlPlane.controlPlane)}`].filter(Boolean).join(', ') || 'Cluster API management cluster',
      details: {
        coreControllers: String(coreRunning),
        ...(infra ? { infrastructure: `${infra.cluster.group}/${infra.cluster.version} ${infra.cluster.kind}, ${infra.machine.kind} (contract ${infra.contract})` } : {}),
        ...(bootstrap ? { bootstrap: `${bootstrap.config.group}/${bootstrap.config.version} ${bootstrap.config.kind} (contract ${bootstrap.contract})` } : {}),
        ...(controlPlane ? { controlPlane: `${controlPlane.controlPlane.group}/${controlPlane.controlPlane.version} ${controlPlane.controlPlane.kind}` } : {}),
      },
    };
  });
}
