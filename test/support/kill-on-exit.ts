// One `exit` listener for every child a test worker started: each is killed if the worker dies
// first. A listener per child passed Node's default of 10 in the cluster tests
// (MaxListenersExceededWarning), which run more children than that at once.
const killers = new Set<() => void>();
let listening = false;

/** Runs `kill` when this process exits; the returned function forgets it (call it once the child is stopped). */
export function killOnExit(kill: () => void): () => void {
  if (!listening) {
    process.once('exit', () => {
      for (const each of killers) each();
    });
    listening = true;
  }
  killers.add(kill);
  return () => {
    killers.delete(kill);
  };
}
