// kubectl against the cluster: run inside its network namespace (kube-apiserver listens only on the
// node address there), with the cluster's kubeconfig, an argv array and a deadline.
import { execArgv } from './exec.js';

export interface Kubectl {
  /** stdout of `kubectl ARGS`; rejects with kubectl's stderr. */
  run(args: readonly string[], signal: AbortSignal, options?: { timeoutMs?: number; input?: string }): Promise<string>;
  /** `kubectl ARGS -o json`, parsed. */
  json<T>(args: readonly string[], signal: AbortSignal): Promise<T>;
}

export function kubectlFor(binary: string, kubeconfig: string, enter: (argv: readonly string[]) => string[]): Kubectl {
  const run: Kubectl['run'] = (args, signal, options) => execArgv(enter([binary, `--kubeconfig=${kubeconfig}`, ...args]), signal, { timeoutMs: options?.timeoutMs ?? 30_000, input: options?.input });
  return {
    run,
    json: async <T>(args: readonly string[], signal: AbortSignal) => JSON.parse(await run([...args, '-o', 'json'], signal)) as T,
  };
}
