// The ControlPlane contract's cluster certificate management (optional as a whole): the
// certificates a control plane keeps are Secrets <cluster>-<certificate> in the Cluster's
// namespace, of type cluster.x-k8s.io/secret, labelled with the cluster name. Which certificates
// there are is the provider's business (a managed control plane may keep none): the test finds
// them by the contract's common names and as the certificate-holding Secrets the ControlPlane controls.
import type { V1Secret } from '@kubernetes/client-node';
import { CAPI_SECRET_TYPE, certificateSecretName, CLUSTER_NAME_LABEL, COMMON_CERTIFICATES, kubeconfigSecretName } from '../../src/interfaces/capi/well-known.js';
import { failOn } from './checks.js';
import { initializedControlPlane } from './control-plane-scene.js';
import { capiTest, CONTROL_PLANE, spec } from './define.js';
import { namespace, type Obj } from './fixtures.js';

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';
const holdsCertificate = (s: V1Secret) => Object.values(s.data ?? {}).some((v) => Buffer.from(v, 'base64').toString('latin1').includes(PEM_CERTIFICATE));
const controlledBy = (s: V1Secret, cp: Obj) => s.metadata?.ownerReferences?.some((r) => r.controller && r.uid === cp.metadata.uid) === true;

/** The Secrets of the Cluster's certificates: by a common name, or controlled by the ControlPlane and holding a certificate. */
export function certificateSecrets(secrets: readonly V1Secret[], cluster: string, cp: Obj): V1Secret[] {
  const common = new Set(COMMON_CERTIFICATES.map((c) => certificateSecretName(cluster, c)));
  return secrets.filter((s) => common.has(s.metadata?.name ?? '') || (s.metadata?.name !== kubeconfigSecretName(cluster) && controlledBy(s, cp) && holdsCertificate(s)));
}

/** What the contract asks of a certificate Secret: its name, type and label. */
export function certificateSecretProblems(s: V1Secret, cluster: string): string[] {
  const name = s.metadata?.name ?? '';
  const problems: string[] = [];
  if (!name.startsWith(`${cluster}-`) || name.length === cluster.length + 1) problems.push(`Secret ${name} holds a certificate of the control plane but is not named ${cluster}-<certificate>`);
  if (s.type !== CAPI_SECRET_TYPE) problems.push(`Secret ${name} has type ${JSON.stringify(s.type)}, expected ${CAPI_SECRET_TYPE}`);
  if (s.metadata?.labels?.[CLUSTER_NAME_LABEL] !== cluster) problems.push(`Secret ${name} has ${CLUSTER_NAME_LABEL}=${JSON.stringify(s.metadata?.labels?.[CLUSTER_NAME_LABEL])}, expected ${cluster}`);
  return problems;
}

export const controlPlaneCertificateTests = [
  capiTest({
    id: 'capi.control-plane.certificates',
    title: "the control plane's cluster certificate Secrets are named <cluster>-<certificate>, of type cluster.x-k8s.io/secret, with the cluster-name label",
    spec: spec('control-plane', 'Cluster certificate management', 'cluster certificates MUST be Secrets in the Cluster namespace named <cluster>-<certificate> (commonly ca, etcd, proxy, sa), type cluster.x-k8s.io/secret, label cluster.x-k8s.io/cluster-name'),
    // The rule is not mandatory in the contract: a control plane that keeps no certificate Secrets is "not supported" here.
    profile: 'extended',
    operations: ['ControlPlane', 'Secret'],
    requires: CONTROL_PLANE,
    tags: ['Feature:ControlPlaneCertificates'],
    async run(ctx) {
      const { scene, cp } = await initializedControlPlane(ctx, await namespace(ctx));
      const cluster = scene.cluster.metadata.name;
      const { items } = await ctx.env.core.listNamespacedSecret({ namespace: scene.ns });
      const found = certificateSecrets(items, cluster, cp);
      if (found.length === 0) ctx.notSupported(`the initialized control plane keeps no certificate Secret: none named ${COMMON_CERTIFICATES.map((c) => certificateSecretName(cluster, c)).join(', ')}, none it controls holding a certificate`);
      ctx.log(`certificate Secrets: ${found.map((s) => s.metadata?.name).join(', ')}`);
      failOn(found.flatMap((s) => certificateSecretProblems(s, cluster)));
    },
  }),
];
