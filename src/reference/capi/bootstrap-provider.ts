// The reference bootstrap provider: a ConformalConfig owned by a Machine gets a data Secret of its
// own name (deterministic, so clusterctl move can find it again) with the contract's format, and
// reports it in status.dataSecretName and status.initialization.dataSecretCreated (status.ready for
// the v1beta1 contract).
import type { V1Secret } from '@kubernetes/client-node';
import { CAPI_SECRET_TYPE, CLUSTER_NAME_LABEL, ownerOfKind } from '../../interfaces/capi/well-known.js';
import { statusCode } from '../cloud/kube-client.js';
import { ensureStatus, get, isPaused, ownerRef, type RefContext } from './context.js';
import { RefKinds } from './crds.js';
import { writesV1beta1 } from './infra-provider.js';
import { splitKey, withCondition } from './runtime.js';

export async function reconcileBootstrapConfig(ctx: RefContext, key: string): Promise<void> {
  const [namespace, name] = splitKey(key);
  const config = get(ctx, 'bootstrapConfig', namespace, name);
  if (!config || config.metadata.deletionTimestamp) return;
  const owner = ownerOfKind(config, 'Machine');
  if (!owner && !ctx.faulty('acts-before-owner')) return;
  const machine = get(ctx, 'machine', namespace, owner?.name);
  const clusterName = machine?.spec?.clusterName ?? config.metadata.labels?.[CLUSTER_NAME_LABEL] ?? '';
  const cluster = get(ctx, 'cluster', namespace, clusterName);
  if (isPaused(cluster, config)) return;
  if (config.status?.initialization?.dataSecretCreated || config.status?.ready) return;

  const wrongFormat = ctx.faulty('bootstrap-secret-format');
  const secret: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: CAPI_SECRET_TYPE,
    metadata: { name, namespace, ...(wrongFormat ? {} : { labels: { [CLUSTER_NAME_LABEL]: clusterName } }), ownerReferences: [ownerRef(RefKinds.bootstrapConfig, config, true)] },
    data: { [wrongFormat ? 'userdata' : 'value']: Buffer.from(`#!/bin/sh\n# conformal bootstrap for ${key}\ntouch /run/cluster-api/bootstrap-success.complete\n`).toString('base64') },
  };
  ctx.client.requests++;
  await ctx.client.kube.core.createNamespacedSecret({ namespace, body: secret }).catch((error: unknown) => {
    if (statusCode(error) !== 409) throw error;
  });
  const readyCondition = { type: 'Ready', status: 'True', reason: 'DataSecretAvailable', message: '', observedGeneration: config.metadata.generation };
  await ensureStatus(ctx, 'bootstrapConfig', config, {
    dataSecretName: ctx.faulty('data-secret-nowhere') ? `${name}-data` : name,
    // v1beta1: status.ready, v1beta1 conditions (a True one carries neither severity nor reason), the metav1 ones under status.v1beta2.
    ...(writesV1beta1(ctx)
      ? { ready: true, conditions: withCondition(config.status?.conditions, { type: 'Ready', status: 'True' }), v1beta2: { conditions: withCondition(config.status?.v1beta2?.conditions, readyCondition) } }
      : { initialization: { dataSecretCreated: true }, conditions: withCondition(config.status?.conditions, readyCondition) }),
  });
}
