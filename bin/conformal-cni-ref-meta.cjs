#!/usr/bin/env node
// The embedded CNI reference chained plugin (type conformal-ref-meta): one CommonJS bundle of src/reference/cni/
// (scripts/bundle-cni-ref.mjs). A runtime starts a plugin for every CNI call, and Node starts one
// CommonJS file sooner than a graph of ES modules.
'use strict';
require('../dist/cni-ref/conformal-ref-meta.cjs');
