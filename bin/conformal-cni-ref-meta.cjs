#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS CONFORMAL_REF_NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// The embedded CNI reference chained plugin (type conformal-ref-meta): one CommonJS bundle of src/reference/cni/
// (scripts/bundle-cni-ref.mjs), run with a V8 code cache (src/reference/cni/launch.ts). A runtime
// starts a plugin for every CNI call, so each start counts. The first line starts Node without
// NODE_EXTRA_CA_CERTS, whose file Node 20 parses whole at every start (the plugin makes no TLS
// connection), and carries its value for a delegate (src/reference/cni/given-env.ts).
'use strict';
const { join } = require('node:path');
require('../dist/cni-ref/launch.cjs').launch(join(__dirname, '../dist/cni-ref/conformal-ref-meta.cjs'));
