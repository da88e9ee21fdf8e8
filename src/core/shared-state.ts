// Tests that share cluster-wide state without `serial`: a test that changes a state (say, adds
// Nodes) never runs beside one that needs it steady (say, counts the events a Node change causes
// on every LoadBalancer Service), while tests on the same side still run together.

export interface SharedState {
  /** States the test changes while it runs. */
  readonly changes?: readonly string[];
  /** States the test needs nobody to change while it runs. */
  readonly needsSteady?: readonly string[];
}

/** Whether two tests may run at the same time: no state one changes while the other needs it steady. */
export function canRunTogether(a: SharedState | undefined, b: SharedState | undefined): boolean {
  const clashes = (x: SharedState | undefined, y: SharedState | undefined) => (x?.changes ?? []).some((state) => y?.needsSteady?.includes(state));
  return !clashes(a, b) && !clashes(b, a);
}
