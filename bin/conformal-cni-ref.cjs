#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS CONFORMAL_REF_NODE_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} node
// The embedded CNI reference interface plugin (type conformal-ref): one CommonJS bundle of src/reference/cni/
// (scripts/bundle-cni-ref.mjs). A runtime starts a plugin for every CNI call, and Node starts one
// CommonJS file sooner than a graph of ES modules. The first line starts Node without
// NODE_EXTRA_CA_CERTS, whose file Node 20 parses whole at every start (the plugin makes no TLS
// connection), and carries its value for a delegate (src/reference/cni/given-env.ts).
'use strict';
require('../dist/cni-ref/conformal-ref.cjs');
