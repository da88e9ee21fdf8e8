#!/usr/bin/env node
// The embedded CNI reference IPAM plugin (type conformal-ref-ipam); compiled from src/reference/cni/.
import '../dist/src/reference/cni/main-ipam.js';
