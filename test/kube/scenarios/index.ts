// Every differential scenario, in the order they run.
import { scenario as aggregation, proxyScenario as aggregationProxy } from './aggregation.js';
import { scenario as apply } from './apply.js';
import { scenario as conditionalUpdates } from './conditional-updates.js';
import { scenario as conversionWebhook } from './conversion-webhook.js';
import { scenario as crdDeprecation } from './crd-deprecation.js';
import { scenario as crds } from './crds.js';
import { scenario as crud } from './crud.js';
import { scenario as discovery } from './discovery.js';
import { scenario as endpoints } from './endpoints.js';
import { scenario as finalizers } from './finalizers.js';
import { scenario as gc } from './gc.js';
import { scenario as goShape } from './go-shape.js';
import { scenario as lists } from './lists.js';
import { scenario as loadBalancers } from './load-balancers.js';
import { scenario as metadataOnly } from './metadata-only.js';
import { scenario as namespaces } from './namespaces.js';
import { scenario as nodes } from './nodes.js';
import { scenario as noopWrites } from './noop-writes.js';
import { scenario as patches } from './patches.js';
import type { Scenario } from './scenario.js';
import { scenario as serviceAllocation } from './service-allocation.js';
import { scenario as statusWrites } from './status-writes.js';
import { scenario as watch } from './watch.js';
import { scenario as workloads } from './workloads.js';

export const scenarios: Scenario[] = [
  crud, patches, apply, lists, finalizers, namespaces, workloads, crds, watch, discovery, gc,
  statusWrites, loadBalancers, nodes, serviceAllocation, noopWrites, goShape, metadataOnly,
  conditionalUpdates, conversionWebhook, aggregation, aggregationProxy, endpoints, crdDeprecation,
];
