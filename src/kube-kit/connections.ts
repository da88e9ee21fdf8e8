// @kubernetes/client-node makes a new https.Agent for every request, so every call pays a TLS
// handshake (and the in-memory API server, in the same process, the other half of it). One
// keep-alive agent per cluster makes a run's hundreds of calls share a few connections.
import type { Agent } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

type AgentFactory = (cluster: { server: string; proxyUrl?: string } | null, options: Record<string, unknown>) => Agent;

/** Makes `kc` reuse connections; returns a function that closes them (idle sockets included). */
export function reuseConnections(kc: KubeConfig): () => void {
  const target = kc as unknown as { createAgent: AgentFactory };
  const create = target.createAgent.bind(kc);
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    // Proxies make their own agents; leave them as the library builds them.
    if (!cluster || cluster.proxyUrl) return create(cluster, options);
    let agent = agents.get(cluster.server);
    if (!agent) {
      agent = create(cluster, { ...options, keepAlive: true });
      agents.set(cluster.server, agent);
    }
    return agent;
  };
  return () => {
    for (const agent of agents.values()) agent.destroy();
    agents.clear();
  };
}
