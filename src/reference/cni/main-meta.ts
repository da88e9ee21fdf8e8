// Entry point of the reference chained plugin executable (bin/conformal-cni-ref-meta.js).
import { metaMain } from './meta.js';
import { runPlugin } from './skel.js';

await runPlugin(metaMain);
