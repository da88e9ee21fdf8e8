// The reasons a CNI rule has no suite test, worded once: most untested sentences bind the runtime,
// and in a conformal run the runtime is conformal itself.

/** A rule for runtimes: conformal is the runtime, so its own project tests check it, not the suite. */
export const bindsHarness = (how: string) => `binds the runtime, which is conformal itself: ${how}`;

/** A rule for whoever writes the network configuration (an administrator, or conformal for its reference). */
export const bindsConfigAuthor = (what: string) => `binds the author of the network configuration, not the plugin: ${what}`;

/** The plugin's answer depends on a condition the harness cannot bring about in a plugin it did not write. */
export const needsPluginSpecificCondition = (condition: string) => `needs ${condition}, which the harness cannot bring about in an arbitrary plugin`;

/** Observing it would need a recording delegate in place of the plugin's own, which changes the network under test. */
export const onlyTheDelegateSees = (what: string) => `only the delegate sees ${what}; observing it would need a recording delegate in place of the plugin's own, which changes the network under test`;
