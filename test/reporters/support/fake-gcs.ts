// Starts fake-gcs-server (built from the Go module proxy by .ci/setup/60-reports.sh) on loopback with
// an in-memory backend, for upload tests that go through the real @google-cloud/storage client.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePorts } from '../../../bench/free-ports.js';

export interface FakeGcs {
  readonly endpoint: string;
  stop(): Promise<void>;
}

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`fake-gcs-server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/storage/v1/b`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`fake-gcs-server did not serve ${endpoint} within ${timeoutMs} ms`);
}

export async function startFakeGcs(binary: string): Promise<FakeGcs> {
  const [port] = await freePorts(1);
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(binary, ['-scheme', 'http', '-host', '127.0.0.1', '-port', String(port), '-backend', 'memory', '-public-host', `127.0.0.1:${port}`, '-external-url', endpoint, '-log-level', 'error'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    await waitUntilServing(endpoint, child, 15_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
