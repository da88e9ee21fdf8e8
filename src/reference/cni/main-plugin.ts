// Entry point of the reference interface plugin executable (bin/conformal-cni-ref.js).
import { pluginMain } from './plugin.js';
import { runPlugin } from './skel.js';

await runPlugin(pluginMain);
