// What kubelet asks of a runtime over a pod's life beyond start and stop, the same for every
// runtime: an exec readiness probe (ExecSync) that fails until the test makes the file it reads, a container that exits
// and is restarted with its exit code kept, and a container run as another user with an env var
// and the service-account volume kubelet mounts. The pod is left running for teardown.
import { expect } from 'vitest';
import { waitFor } from '../../../src/core/deadline.js';
import type { Cluster } from '../../support/cluster/cluster.js';
import { checkFor, type PodCheckExpectations } from './pod-checks.js';

const POD = 'conformal-lifecycle';
const WAIT_MS = 45_000;

interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  state?: { terminated?: { exitCode: number } };
  lastState?: { terminated?: { exitCode: number } };
}

function manifest(image: string): string {
  const keepRunning = "trap 'exit 0' TERM; while true; do sleep 1; done";
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: POD, namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 5,
      containers: [
        // Ready only once the test has made /tmp/ready (kubectl exec): until then every probe fails.
        { name: 'probed', image, command: ['/bin/sh', '-c', keepRunning], readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 } },
        { name: 'exiting', image, command: ['/bin/sh', '-c', 'echo exiting-run; sleep 1; exit 3'] },
        {
          name: 'identity',
          image,
          env: [{ name: 'CONFORMAL_VALUE', value: 'from-the-pod-spec' }],
          securityContext: { runAsUser: 1000, runAsGroup: 1000 },
          command: ['/bin/sh', '-c', `echo CONFORMAL_VALUE=$CONFORMAL_VALUE; id; ls /var/run/secrets/kubernetes.io/serviceaccount; ${keepRunning}`],
        },
      ],
    },
  });
}

async function statuses(c: Cluster, signal: AbortSignal): Promise<Map<string, ContainerStatus>> {
  const pod = await c.kubectl.json<{ status?: { containerStatuses?: ContainerStatus[] } }>(['get', 'pod', POD, '--namespace=default'], signal);
  return new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
}

export function lifecycleChecks(cluster: () => Cluster, expected: PodCheckExpectations): void {
  const check = checkFor(expected);
  let seen = '';
  /** Reads until `accept` holds, keeping the last reading for the deadline's message. */
  const until = <T>(read: () => Promise<T>, accept: (value: T) => boolean, description: string, signal: AbortSignal): Promise<T> =>
    waitFor(
      async () => {
        const value = await read();
        seen = typeof value === 'string' ? value : JSON.stringify(value);
        return accept(value) ? value : undefined;
      },
      { signal, description, intervalMs: 250, lastSeen: () => seen },
    );

  check('readiness-probe', 'runs an exec readiness probe: failing (an Unhealthy event) until the file it reads exists, then Ready', async () => {
    const c = cluster();
    const signal = AbortSignal.timeout(WAIT_MS);
    await c.kubectl.run(['apply', '-f', '-'], signal, { input: manifest(c.images.images.busybox) });
    await until(
      () => c.kubectl.run(['get', 'events', '--namespace=default', `--field-selector=involvedObject.name=${POD},reason=Unhealthy`, '-o', 'jsonpath={.items[*].message}'], signal),
      (events) => events.includes('/tmp/ready'),
      'an Unhealthy event of the failing readiness probe',
      signal,
    );
    expect((await statuses(c, signal)).get('probed')?.ready).toBe(false);
    await c.kubectl.run(['exec', POD, '--namespace=default', '--container=probed', '--', 'touch', '/tmp/ready'], signal);
    await until(async () => (await statuses(c, signal)).get('probed'), (probed) => probed?.ready === true, 'container probed Ready', signal);
  }, WAIT_MS + 5000);

  check('restart', 'restarts a container that exits, keeping its exit code', async () => {
    const c = cluster();
    const signal = AbortSignal.timeout(WAIT_MS);
    const exiting = await until(
      async () => (await statuses(c, signal)).get('exiting'),
      (status) => status !== undefined && status.restartCount >= 1 && (status.lastState?.terminated ?? status.state?.terminated) !== undefined,
      'container exiting restarted',
      signal,
    );
    expect((exiting?.lastState?.terminated ?? exiting?.state?.terminated)?.exitCode).toBe(3);
  }, WAIT_MS + 5000);

  check('identity', "runs a container as the user, with the env and the service-account volume kubelet gives it", async () => {
    const c = cluster();
    const signal = AbortSignal.timeout(WAIT_MS);
    const log = await until(
      () => c.kubectl.run(['logs', POD, '--namespace=default', '--container=identity'], signal),
      (text) => text.includes('token'),
      'the identity container to print its identity',
      signal,
    );
    expect(log).toContain('CONFORMAL_VALUE=from-the-pod-spec');
    // busybox's id, with the names the image's /etc/passwd and /etc/group give.
    expect(log).toContain('uid=1000(conformal) gid=1000(conformal)');
    for (const file of ['ca.crt', 'namespace', 'token']) expect(log.split('\n')).toContain(file);
    // The pod stays: teardown has to take a running pod down (through the runtime, kubelet stopped first).
  }, WAIT_MS + 5000);
}
