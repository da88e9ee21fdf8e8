// Starts a real kube-apiserver with its own etcd, both on loopback, for the differential tests
// and the benchmark: serving certificate generated here, a token-auth file, and on request a
// kube-controller-manager running the controllers the in-memory server models (garbage collector,
// namespace controller). Paths come from CONFORMAL_KUBE_APISERVER, CONFORMAL_KUBE_CONTROLLER_MANAGER
// (.ci/setup/80-go-peers.sh) and CONFORMAL_ETCD (.ci/setup/30-kube.sh).
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { freePorts } from './free-ports.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { servingCertificate } from '../src/kube/tls.js';

export interface RealApiServer {
  url: string;
  token: string;
  caCert: string;
  /** PIDs of kube-apiserver and etcd (for memory measurements). */
  pids: number[];
  close(): Promise<void>;
}

export interface RealApiServerOptions {
  timeoutMs?: number;
  /** Path of a kube-controller-manager to run beside the API server (only the controllers the in-memory server has). */
  controllerManager?: string;
}

/** The controllers src/kube/controllers.ts models; the others would change objects the scenarios compare. */
const MODELLED_CONTROLLERS = ['garbagecollector', 'namespace'];

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function ready(url: string, token: string, ca: string, deadline: number, log: () => string, processes: ChildProcess[]): Promise<void> {
  for (;;) {
    // A process that exited will not become ready: say so now rather than at the deadline.
    const exited = processes.find((p) => p.exitCode !== null || p.signalCode !== null);
    if (exited) throw new Error(`${exited.spawnfile} exited (${exited.exitCode ?? exited.signalCode}) before kube-apiserver at ${url} was ready; the log ends:\n${log().slice(-3000)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = request(`${url}/readyz`, { headers: { Authorization: `Bearer ${token}` }, ca, timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`kube-apiserver at ${url} not ready in time; its log ends:\n${log().slice(-3000)}`);
    await sleep(250);
  }
}

function kubeconfig(url: string, ca: string, token: string): string {
  // JSON is YAML: kubeconfig files are read by a YAML parser.
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'real', cluster: { server: url, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'real', context: { cluster: 'real', user: 'admin' } }],
    'current-context': 'real',
  });
}

export async function startRealApiServer(apiserverPath: string, etcdPath: string, options: RealApiServerOptions = {}): Promise<RealApiServer> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const dir = await mkdtemp(join(tmpdir(), 'conformal-kube-real-'));
  const [etcdClient, etcdPeer, securePort] = (await freePorts(3)) as [number, number, number];
  const token = randomBytes(24).toString('base64url');
  const { cert, key } = await servingCertificate();
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  await writeFile(join(dir, 'serving.crt'), cert);
  await writeFile(join(dir, 'serving.key'), key);
  await writeFile(join(dir, 'sa.pub'), sa.publicKey);
  await writeFile(join(dir, 'sa.key'), sa.privateKey);
  await writeFile(join(dir, 'tokens.csv'), `${token},conformal-admin,conformal-admin,"system:masters"\n`);

  let output = '';
  const collect = (child: ChildProcess) => {
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  };
  const etcd = spawn(etcdPath, [
    '--name', 'conformal',
    '--data-dir', join(dir, 'etcd'),
    '--listen-client-urls', `http://127.0.0.1:${etcdClient}`,
    '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
    '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
    '--initial-cluster', `conformal=http://127.0.0.1:${etcdPeer}`,
    '--unsafe-no-fsync',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  collect(etcd);
  const apiserver = spawn(apiserverPath, [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // kube-apiserver 1.37 refuses to start its endpoint reconciler on a loopback advertise address
    // (1.32 did not); without it the `kubernetes` Service has no Endpoints, which nothing here reads.
    '--endpoint-reconciler-type=none',
    `--secure-port=${securePort}`,
    `--tls-cert-file=${join(dir, 'serving.crt')}`,
    `--tls-private-key-file=${join(dir, 'serving.key')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--anonymous-auth=false',
    '--authorization-mode=AlwaysAllow',
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/12',
    // APIServices reach their Service's endpoints, not its cluster IP (nothing routes those here).
    '--enable-aggregator-routing=true',
    // No controller manager runs, so nothing would ever create the default ServiceAccount.
    '--disable-admission-plugins=ServiceAccount',
    '--watch-cache=true',
    '--max-requests-inflight=4000',
    '--max-mutating-requests-inflight=2000',
    '--v=0',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  collect(apiserver);
  const url = `https://127.0.0.1:${securePort}`;
  let controllerManager: ChildProcess | undefined;
  const close = async () => {
    if (controllerManager) await stopProcess(controllerManager);
    await stopProcess(apiserver);
    await stopProcess(etcd);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await ready(url, token, cert, Date.now() + timeoutMs, () => output, [etcd, apiserver]);
    if (options.controllerManager) {
      await writeFile(join(dir, 'kubeconfig'), kubeconfig(url, cert, token));
      controllerManager = spawn(options.controllerManager, [
        `--kubeconfig=${join(dir, 'kubeconfig')}`,
        `--controllers=${MODELLED_CONTROLLERS.join(',')}`,
        '--leader-elect=false',
        // Serves nothing: its health endpoint is not needed and a port would be one more to find.
        '--secure-port=0',
        '--v=0',
      ], { stdio: ['ignore', 'pipe', 'pipe'] });
      collect(controllerManager);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { url, token, caCert: cert, pids: [apiserver.pid!, etcd.pid!, ...(controllerManager ? [controllerManager.pid!] : [])], close };
}
