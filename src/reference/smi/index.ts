// The reference SMI mesh: controller, loopback data plane and metrics API, all real clients of
// the API server the kubeconfig names. start resolves once the CRDs are served and watched.
import { SILENT, type Logger } from '../cloud/kube-client.js';
import { ReferenceMesh } from './mesh.js';
import type { SendReply, SendRequest } from './dataplane.js';

export { SMI_FAULTS, SMI_FAULT_NAMES, type SmiFaultName } from './faults.js';
export { NO_PROXY_ANNOTATION } from './model.js';
export type { SendReply, SendRequest } from './dataplane.js';

export { startTrafficServer } from './traffic-server.js';

export interface ReferenceMeshHandle {
  /** One request through the data plane, from the client-side proxy of `request.from`. */
  send(request: SendRequest): Promise<SendReply>;
  close(): Promise<void>;
}

export async function startReferenceMesh(options: { kubeconfig: string; fault?: string; log?: Logger }): Promise<ReferenceMeshHandle> {
  const mesh = new ReferenceMesh(options.kubeconfig, options.fault, options.log ?? SILENT);
  try {
    await mesh.start();
  } catch (error) {
    await mesh.stop().catch(() => undefined);
    throw error;
  }
  return { send: (r) => mesh.dataPlane.send(r), close: () => mesh.stop() };
}
