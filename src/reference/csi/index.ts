// Public surface of the in-memory reference CSI driver.
export { createCsiDriver, type CsiDriver } from './driver.js';
export { startCsiReference, CSI_PROTO_PATH, type CsiReferenceServer, type StartCsiReferenceOptions } from './server.js';
export { CSI_FAULTS, CSI_FAULT_NAMES, type CsiFaultInfo } from './faults.js';
export {
  ALL_CAPABILITY_KEYS,
  CONTROLLER_CAPABILITIES,
  DEFAULT_DRIVER_NAME,
  DEFAULT_MUTABLE_PARAMETER_KEYS,
  DEFAULT_NODE_ID,
  DEFAULT_OTHER_NODE_IDS,
  DEFAULT_ZONES,
  GROUP_CONTROLLER_CAPABILITIES,
  NODE_CAPABILITIES,
  PLUGIN_CAPABILITIES,
  TOPOLOGY_KEY,
  resolveOptions,
  type CsiReferenceOptions,
} from './options.js';
export { CSI_SERVICES, type RpcName } from './rpc.js';
export { CsiStatusError } from './status.js';
