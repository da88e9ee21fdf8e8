// Entry point of the reference IPAM plugin executable (bin/conformal-cni-ref-ipam.cjs, bundled into dist/cni-ref/).
// No top-level await: the bundle is CommonJS, which starts faster than an ES module graph.
import { ipamMain } from './ipam.js';
import { runPlugin } from './skel.js';

void runPlugin(ipamMain);
