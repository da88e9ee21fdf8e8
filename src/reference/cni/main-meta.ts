// Entry point of the reference chained plugin executable (bin/conformal-cni-ref-meta.cjs, bundled into dist/cni-ref/).
// No top-level await: the bundle is CommonJS, which starts faster than an ES module graph.
import { metaMain } from './meta.js';
import { runPlugin } from './skel.js';

void runPlugin(metaMain);
