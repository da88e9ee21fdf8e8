#!/usr/bin/env node
// The embedded CNI reference chained plugin (type conformal-ref-meta); compiled from src/reference/cni/.
import '../dist/src/reference/cni/main-meta.js';
