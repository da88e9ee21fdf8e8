// What every CRI test receives as ctx.env.
import type { TestImageRefs } from '../../registry/test-image-set.js';
import type { CriClient } from './client.js';
import type { StatusResponse, VersionResponse } from './types.js';

export interface CriEnv {
  readonly client: CriClient;
  readonly images: TestImageRefs;
  /** Handler sandboxes are created with ("" = runtime default). */
  readonly runtimeHandler: string;
  /** Host directory for log directories and mount sources; shared with the runtime when node-local. */
  readonly workDir: string;
  /** Labels every object this run creates carry, so the leak check finds leftovers. */
  readonly runLabel: Readonly<Record<string, string>>;
  readonly version: VersionResponse;
  readonly status: StatusResponse;
  readonly embedded: boolean;
}
