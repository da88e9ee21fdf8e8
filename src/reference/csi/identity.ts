// Identity service: plugin info, plugin capabilities and Probe.
import type { CsiHandlers } from './rpc.js';
import type { DriverContext } from './context.js';

export function identityHandlers(ctx: DriverContext): Pick<CsiHandlers, 'GetPluginInfo' | 'GetPluginCapabilities' | 'Probe'> {
  const { options } = ctx;
  return {
    async GetPluginInfo() {
      return { name: options.driverName, vendorVersion: options.driverVersion, manifest: { implementation: 'conformal in-memory reference', spec: 'v1.12.0' } };
    },
    async GetPluginCapabilities() {
      const services = [...options.capabilities.plugin].map((type) => ({ service: { type } }));
      const expansion = options.capabilities.volumeExpansion === 'NONE' ? [] : [{ volumeExpansion: { type: options.capabilities.volumeExpansion } }];
      return { capabilities: [...services, ...expansion] };
    },
    async Probe() {
      return { ready: { value: true } };
    },
  };
}
