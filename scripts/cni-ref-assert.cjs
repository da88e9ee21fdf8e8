// `assert` inside the CNI reference bundles (scripts/bundle-cni-ref.mjs). Only signal-exit, which
// proper-lockfile loads, uses it, for assert.equal; loading node:assert itself costs a plugin start
// several milliseconds (it sets up its colours on stderr). Anything else is Node's own, loaded then.
'use strict';
const equal = (actual, expected, message) => {
  // eslint-disable-next-line eqeqeq -- assert.equal compares with ==
  if (actual != expected) throw new Error(message);
};
module.exports = new Proxy({ equal }, { get: (own, key) => (key in own ? own[key] : require('node:assert')[key]) });
