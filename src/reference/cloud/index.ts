// The reference cloud: an in-memory cloud serving cloud-control, kubelets for its standing nodes
// and a reference cloud-controller-manager, both real clients of the API server the kubeconfig
// names. start resolves on a settled cluster: standing nodes registered, initialised and routed.
import { ReferenceCcm } from './ccm.js';
import { startCloudControlServer } from './control-server.js';
import { KubeClient } from './kube-client.js';
import { CloudModel } from './model.js';
import { NodeAgent } from './node-agent.js';
import { resolveOptions, type ReferenceCloudOptions } from './options.js';

export { CLOUD_FAULTS, type CloudFaultName } from './faults.js';
export { EMBEDDED_TIMING, type ReferenceCloudOptions, type ReferenceCloudTiming } from './options.js';
export { standingNodeName } from './node-agent.js';

export interface ReferenceCloud {
  /** http://127.0.0.1:PORT, the base of the cloud-control protocol. */
  readonly cloudControlUrl: string;
  /** providerIDs start with "<providerName>://". */
  readonly providerName: string;
  /** Stops controllers, watches, heartbeats and the HTTP server. */
  close(): Promise<void>;
}

/** How long the standing nodes may take to be initialised before start gives up. */
const SETTLE_TIMEOUT_MS = 30_000;

export async function startReferenceCloud(options: ReferenceCloudOptions): Promise<ReferenceCloud> {
  const resolved = resolveOptions(options);
  const model = new CloudModel();
  const client = new KubeClient(resolved.kubeconfig);
  const ccm = new ReferenceCcm(client, model, resolved);
  const agent = new NodeAgent({ client, cloud: model, clusterCIDR: resolved.clusterCIDR, timing: resolved.timing, log: resolved.log }, resolved.standingNodes);
  const control = await startCloudControlServer(model);
  const close = async () => {
    await agent.close();
    await ccm.stop();
    client.close();
    await control.close();
  };
  try {
    await ccm.start();
    const names = await agent.start();
    await ccm.nodesInitialised(names, SETTLE_TIMEOUT_MS);
    await ccm.settle();
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  resolved.log.info(`reference cloud ready: cloud-control at ${control.url}`);
  return { cloudControlUrl: control.url, providerName: 'conformal', close };
}
