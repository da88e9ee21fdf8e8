// Shared pieces of the cloud-provider suite: the typed test constructor, spec references, tags.
import { defineTest, type SpecReference, type TestContext, type TestDefinition } from '../../src/core/test.js';
import type { CloudEnv } from '../../src/interfaces/cloud/env.js';
import { CloudCapability } from '../../src/interfaces/cloud/capabilities.js';

export type CloudTest = TestDefinition<CloudEnv>;
export type CloudContext = TestContext<CloudEnv>;

/** The contract is the behaviour of k8s.io/cloud-provider's controllers and the well-known names. */
export const CLOUD_PROVIDER_URL = 'https://github.com/kubernetes/cloud-provider/tree/v0.37.2';

export function cloudTest(definition: CloudTest): CloudTest {
  return defineTest<CloudEnv>(definition);
}

/** A spec reference: the controller (or API) and the rule in a few words. */
export function spec(section: string, rule: string, path = ''): SpecReference {
  return { section, rule, url: path ? `${CLOUD_PROVIDER_URL}/${path}` : CLOUD_PROVIDER_URL };
}

/** Tests that create Nodes and instances: they change the cluster, so they are Disruptive. */
export const NODE_TAGS = ['Feature:CloudControl', 'Disruptive'] as const;
/**
 * Every change to the Node set makes the service controller record UpdatedLoadBalancer on every
 * LoadBalancer Service, and client-go's recorder drops a Service's events past 25 (refilled one per
 * 5 min). So tests that change Nodes never run beside tests that wait for a Service's events.
 */
export const CHANGES_NODES = { changes: ['nodes'] } as const;
export const NEEDS_NODES_STEADY = { needsSteady: ['nodes'] } as const;
/** cloud-control first: without the endpoint, the skip reason names its flag. */
export const REGISTER = [CloudCapability.cloudControl, CloudCapability.instances] as const;
