// open(): reach the cluster (or start the embedded one with the reference cloud and CCM as its
// clients), read the cloud-control endpoint's info, discover which controllers the CCM runs, and
// build the env. Also the run's leak check.
import { CoreV1Api } from '@kubernetes/client-node';
import type { OpenContext, Session } from '../../core/plugin.js';
import { openKubeSession, referenceLog } from '../../kube-kit/session.js';
import { startReferenceCloud, type CloudFaultName, type ReferenceCloud } from '../../reference/cloud/index.js';
import { CloudCapability } from './capabilities.js';
import { CloudControlClient, type CloudInfo } from './cloud-control.js';
import { listNodes, probeServiceController, routeControllerSeen, zonesSeen } from './discovery.js';
import type { CloudEnv } from './env.js';
import type { CloudOptions } from './options.js';
import { podCidrAllocator } from './pod-cidrs.js';
import { validateCloudOptions } from './validate.js';

const LEAK_KINDS = [
  { apiVersion: 'v1', kind: 'Node' },
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'Service' },
];

function cloudCapabilities(info: CloudInfo | undefined): string[] {
  if (!info) return [];
  const f = info.features;
  const names: string[] = [CloudCapability.cloudControl];
  if (f.instances) names.push(CloudCapability.instances);
  if (f.instances && f.instanceShutdown) names.push(CloudCapability.shutdown);
  if (f.loadBalancers) names.push(CloudCapability.cloudLoadBalancers);
  if (f.routes) names.push(CloudCapability.cloudRoutes);
  if (f.faults.includes('ensure-load-balancer')) names.push(CloudCapability.ensureFault);
  if (f.faults.includes('create-route')) names.push(CloudCapability.routeFault);
  return names;
}

export async function openCloudSession(options: CloudOptions, context: OpenContext): Promise<Session<CloudEnv>> {
  validateCloudOptions(options);
  const name = 'conformal reference cloud-controller-manager';
  return openKubeSession(options, context, { name, leakKinds: LEAK_KINDS }, async ({ target, onClose }) => {
    let cloudControlUrl = options.cloudControl;
    if (target.embedded) {
      const reference: ReferenceCloud = await startReferenceCloud({
        kubeconfig: target.embeddedKubeconfig!,
        clusterCIDR: options.clusterCidr,
        ...(options.referenceFault ? { fault: options.referenceFault as CloudFaultName } : {}),
        log: referenceLog(context.log),
      });
      onClose(() => reference.close());
      cloudControlUrl = reference.cloudControlUrl;
    }
    const cloud = cloudControlUrl ? new CloudControlClient(cloudControlUrl, options.cloudControlToken) : undefined;
    const info = cloud ? await cloud.info(context.signal) : undefined;

    const nodes = await listNodes(target.kc);
    const capabilities = new Set<string>(cloudCapabilities(info));
    if (await probeServiceController(target.kc, context.runId, options.probeTimeout, context.signal, context.log)) capabilities.add(CloudCapability.loadBalancer);
    // A cloud-control endpoint that manages the route table speaks for a CCM that runs the route controller.
    if (routeControllerSeen(nodes) || info?.features.routes) capabilities.add(CloudCapability.routes);
    if (zonesSeen(nodes)) capabilities.add(CloudCapability.zones);

    const warnings: string[] = [];
    if (!cloud) warnings.push('no --cloud-control: tests that create, stop or delete instances or read the cloud itself are skipped');
    if (nodes.length === 0) warnings.push('the cluster has no Node: the tests of existing nodes have nothing to check and fail');

    const env: CloudEnv = {
      kc: target.kc,
      core: target.kc.makeApiClient(CoreV1Api),
      runId: context.runId,
      embedded: target.embedded,
      ...(cloud ? { cloud } : {}),
      ...(info ? { info } : {}),
      clusterCidr: options.clusterCidr,
      nextPodCidr: podCidrAllocator(options.clusterCidr),
    };
    return {
      env,
      capabilities,
      warnings,
      name: info?.name ?? 'cloud-controller-manager',
      details: {
        ...(cloudControlUrl && !target.embedded ? { cloudControl: cloudControlUrl } : {}),
        ...(info?.providerName ? { providerName: info.providerName } : {}),
      },
    };
  });
}
