// Interfaces known to the CLI, loaded lazily so one interface's dependencies never slow another.
import type { InterfacePlugin } from '../core/plugin.js';
import { UsageError } from '../core/errors.js';

const loaders: Record<string, () => Promise<InterfacePlugin>> = {
  csi: async () => (await import('./csi/plugin.js')).csiPlugin,
  cri: async () => (await import('./cri/plugin.js')).criPlugin,
  cni: async () => (await import('./cni/plugin.js')).cniPlugin,
  cloud: async () => (await import('./cloud/plugin.js')).cloudPlugin,
  capi: async () => (await import('./capi/plugin.js')).capiPlugin,
  smi: async () => (await import('./smi/plugin.js')).smiPlugin,
};

export function interfaceNames(): string[] {
  return Object.keys(loaders).sort();
}

export async function loadInterface(name: string): Promise<InterfacePlugin> {
  const loader = loaders[name];
  if (!loader) throw new UsageError(`unknown interface "${name}"; choose one of: ${interfaceNames().join(', ')}`, { field: 'interface' });
  return loader();
}
