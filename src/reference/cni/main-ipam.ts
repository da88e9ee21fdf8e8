// Entry point of the reference IPAM plugin executable (bin/conformal-cni-ref-ipam.js).
import { ipamMain } from './ipam.js';
import { runPlugin } from './skel.js';

await runPlugin(ipamMain);
