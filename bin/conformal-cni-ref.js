#!/usr/bin/env node
// The embedded CNI reference plugin (type conformal-ref); compiled from src/reference/cni/.
import '../dist/src/reference/cni/main-plugin.js';
