// Runs upstream's cloud-controller-manager with upstream's fake cloud (test/go-peers/cmd/ccm, built
// by .ci/setup/80-go-peers.sh into CONFORMAL_CCM_PEER) as a child process, and hands back the URL of
// the cloud-control protocol it serves beside the controllers (docs/cloud/upstream-ccm.md).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadlineSignal } from '../../src/core/deadline.js';
import { HarnessError } from '../../src/core/errors.js';
import { killOnExit } from './kill-on-exit.js';

export interface UpstreamCcmOptions {
  /** The built peer binary. */
  readonly binary: string;
  /** kubeconfig YAML text, or the path of a kubeconfig file. */
  readonly kubeconfig: string;
  /** Aborting stops waiting for the start and kills the process. */
  readonly signal?: AbortSignal;
  /**
   * Wraps the CCM's argv, e.g. to start it inside a cluster's namespaces (the process must be the
   * CCM itself once started: nsenter without --fork execs it). cloud-control then listens on that
   * network namespace's 127.0.0.1.
   */
  readonly wrap?: (argv: readonly string[]) => string[];
  /** How long to wait for the cloud-control line (default 60 s). */
  readonly startTimeoutMs?: number;
}

export interface UpstreamCcm {
  /** Base URL of the cloud-control protocol, http://127.0.0.1:PORT. */
  readonly cloudControlUrl: string;
  /** The process's stderr and stdout so far (the last 2 MiB), for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

const URL_LINE = /^cloud-control listening at (http:\/\/\S+)$/m;
const LOG_LIMIT = 2 * 1024 * 1024;

/**
 * The CCM's flags: the set known to work with the fake (see docs/cloud/upstream-ccm.md), with the
 * periods a suite waits on shortened from 10 s / 5 s / 5 min so a run takes seconds.
 */
export function upstreamCcmArgs(kubeconfigPath: string, cloudConfigPath: string): string[] {
  return [
    `--kubeconfig=${kubeconfigPath}`,
    '--cloud-provider=fake',
    `--cloud-config=${cloudConfigPath}`,
    '--leader-elect=false',
    '--use-service-account-credentials=false',
    '--secure-port=0',
    '--webhook-secure-port=0',
    '--controllers=*',
    '--cluster-cidr=10.244.0.0/16',
    '--allocate-node-cidrs=true',
    '--route-reconciliation-period=1s',
    '--node-monitor-period=1s',
    '--node-status-update-frequency=5s',
    '--v=2',
  ];
}

export async function startUpstreamCcm(options: UpstreamCcmOptions): Promise<UpstreamCcm> {
  const dir = mkdtempSync(join(tmpdir(), 'conformal-ccm-'));
  let kubeconfigPath = options.kubeconfig;
  if (options.kubeconfig.includes('\n')) {
    kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, options.kubeconfig, { mode: 0o600 });
  }
  // The fake reads nothing from it; passed as a real provider's command line would.
  const cloudConfigPath = join(dir, 'cloud.conf');
  writeFileSync(cloudConfigPath, '');

  const [command, ...args] = (options.wrap ?? ((argv) => [...argv]))([options.binary, ...upstreamCcmArgs(kubeconfigPath, cloudConfigPath)]);
  const child = spawn(command!, args, {
    env: { ...process.env, CONFORMAL_CLOUD_CONTROL_ADDR: '127.0.0.1:0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > LOG_LIMIT) output = output.slice(-LOG_LIMIT);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  // A test worker that dies must not leave the CCM running against the next test's server.
  const forget = killOnExit(() => child.kill('SIGKILL'));

  const close = async () => {
    forget();
    // No pid: the spawn itself failed and there is no process to wait for.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const deadline = deadlineSignal(timeoutMs, 'the cloud-controller-manager to announce cloud-control', options.signal);
  try {
    const cloudControlUrl = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = URL_LINE.exec(output);
        if (!match) return;
        child.stderr.off('data', check);
        resolve(match[1]!);
      };
      child.stderr.on('data', check);
      child.once('error', (error) => reject(new HarnessError(`cannot start ${options.binary}: ${error.message}`, { cause: error })));
      void exited.then(() => reject(new HarnessError(`${options.binary} exited (${child.exitCode ?? child.signalCode}) before serving cloud-control; its output ends:\n${output.slice(-4000)}`)));
      const onAbort = () => reject(new HarnessError(`${options.binary} did not serve cloud-control in time; its output ends:\n${output.slice(-4000)}`, { cause: deadline.signal.reason }));
      if (deadline.signal.aborted) onAbort();
      else deadline.signal.addEventListener('abort', onAbort, { once: true });
    });
    // After the start, aborting the caller's signal stops the process as close() does.
    options.signal?.addEventListener('abort', () => void close(), { once: true });
    return { cloudControlUrl, logs: () => output, close };
  } catch (error) {
    await close();
    throw error;
  } finally {
    deadline.dispose();
  }
}
