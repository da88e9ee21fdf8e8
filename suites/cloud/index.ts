// The cloud-provider suite: every test of suites/cloud, in catalog order.
import type { CloudTest } from './define.js';
import { existingNodeTests } from './node-existing.js';
import { registeredNodeTests } from './node-register.js';
import { lifecycleTests } from './lifecycle.js';
import { loadBalancerTests } from './load-balancer.js';
import { loadBalancerCloudTests } from './load-balancer-cloud.js';
import { routeTests } from './routes.js';

export const cloudTests: readonly CloudTest[] = [...existingNodeTests, ...registeredNodeTests, ...lifecycleTests, ...loadBalancerTests, ...loadBalancerCloudTests, ...routeTests];
