// Entry point of the reference interface plugin executable (bin/conformal-cni-ref.cjs, bundled into dist/cni-ref/).
// No top-level await: the bundle is CommonJS, which starts faster than an ES module graph.
import { pluginMain } from './plugin.js';
import { runPlugin } from './skel.js';

void runPlugin(pluginMain);
