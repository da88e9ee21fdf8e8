// The in-memory reference CSI driver as a plain object: one async method per RPC (streaming
// RPCs resolve to their list of messages). Usable in-process by unit tests and served over
// gRPC by server.ts. Every handler runs to completion without awaiting, so calls are atomic.
import { type DriverContext } from './context.js';
import { applyFault } from './faults.js';
import { identityHandlers } from './identity.js';
import { metadataHandlers } from './metadata.js';
import { nodeHandlers } from './node.js';
import { resolveOptions, type CsiReferenceOptions, type ResolvedOptions } from './options.js';
import { CSI_SERVICES, type CsiHandlers } from './rpc.js';
import { snapshotHandlers } from './snapshots.js';
import { CsiState } from './state.js';
import { unimplemented } from './status.js';
import { volumeHandlers } from './volumes.js';

export interface CsiDriver extends CsiHandlers {
  readonly options: ResolvedOptions;
  readonly state: CsiState;
}

/** With the CONTROLLER_SERVICE plugin capability off, the whole Controller service answers UNIMPLEMENTED. */
function gateControllerService(ctx: DriverContext, handlers: CsiHandlers): CsiHandlers {
  if (ctx.options.capabilities.plugin.has('CONTROLLER_SERVICE')) return handlers;
  const gated: Record<string, unknown> = { ...handlers };
  for (const rpc of CSI_SERVICES.Controller) {
    gated[rpc] = async () => unimplemented(`${rpc}: this driver has no Controller service (CONTROLLER_SERVICE is off)`);
  }
  return gated as unknown as CsiHandlers;
}

export function createCsiDriver(options: CsiReferenceOptions = {}): CsiDriver {
  const ctx: DriverContext = { options: resolveOptions(options), state: new CsiState() };
  const handlers: CsiHandlers = {
    ...identityHandlers(ctx),
    ...volumeHandlers(ctx),
    ...snapshotHandlers(ctx),
    ...metadataHandlers(ctx),
    ...nodeHandlers(ctx),
  };
  const served = applyFault(ctx, gateControllerService(ctx, handlers));
  return { ...served, options: ctx.options, state: ctx.state };
}

