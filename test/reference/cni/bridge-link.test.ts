// Bridge mode of the reference plugin, used as a runtime uses it: the built executable runs inside a
// "node" namespace (where a runtime such as containerd runs it) with argv, CNI_* environment and the
// config on stdin, for "pod" namespaces made here as well. The pods get addresses on one bridge in
// the node namespace and reach each other and the node; DEL and the namespaces' removal leave nothing.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedReferenceConfig, REFERENCE_TYPE, referenceBundle } from '../../../src/interfaces/cni/target.js';
import { gatewayAddresses, hostEndName, withDefaultRoutes } from '../../../src/reference/cni/bridge-link.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI === 'true') throw new Error('test/reference/cni/bridge-link.test.ts needs root for network namespaces (CI runs as root)');
const built = existsSync(referenceBundle(REFERENCE_TYPE));

describe('bridge mode: what the bridge and the container get', () => {
  const ips = [
    { address: '198.18.0.2/24', gateway: '198.18.0.1' },
    { address: 'fd00:c0f:1::2/64', gateway: 'fd00:c0f:1::1' },
  ];

  it('puts each gateway on the bridge with its range prefix, once', () => {
    expect(gatewayAddresses([...ips, { address: '198.18.0.3/24', gateway: '198.18.0.1' }, { address: '10.0.0.2/8' }])).toEqual(['198.18.0.1/24', 'fd00:c0f:1::1/64']);
  });

  it('adds a default route per family via its gateway unless the IPAM gave one', () => {
    expect(withDefaultRoutes(ips, [{ dst: '198.19.0.0/16', gw: '198.18.0.1' }])).toEqual([
      { dst: '198.19.0.0/16', gw: '198.18.0.1' },
      { dst: '0.0.0.0/0', gw: '198.18.0.1' },
      { dst: '::/0', gw: 'fd00:c0f:1::1' },
    ]);
    expect(withDefaultRoutes(ips, [{ dst: '0.0.0.0/0', gw: '198.18.0.254' }])).toEqual([
      { dst: '0.0.0.0/0', gw: '198.18.0.254' },
      { dst: '::/0', gw: 'fd00:c0f:1::1' },
    ]);
    expect(withDefaultRoutes([{ address: '198.18.0.2/24' }], [])).toEqual([]);
  });

  it('names the host end after the attachment, within IFNAMSIZ', () => {
    const name = hostEndName('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'eth0');
    expect(name).toMatch(/^cnf[0-9a-f]{8}$/);
    expect(hostEndName('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'eth0')).toBe(name);
    expect(hostEndName('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'eth1')).not.toBe(name);
  });
});

describe.runIf(built && isRoot)('bridge mode in real namespaces (the plugin runs in a node namespace)', () => {
  const prefix = `conformal-cninet-${randomBytes(3).toString('hex')}`;
  const ns = { node: `${prefix}-node`, a: `${prefix}-a`, b: `${prefix}-b`, gone: `${prefix}-c`, held: `${prefix}-d` };
  /** CNI_NETNS of each pod: the named namespace, or for `held` a path outside /run/netns (filled in by its test). */
  const netnsPaths = new Map(Object.entries(ns).map(([pod, name]) => [pod, `/run/netns/${name}`]));
  let holder: ReturnType<typeof spawn> | undefined;
  const work = mkdtempSync(join(tmpdir(), 'conformal-cninet-'));
  const BRIDGE = 'cnfbr0';
  const reference = embeddedReferenceConfig(work, undefined);
  const [pluginConfig] = reference.config.plugins as Array<Record<string, unknown>>;
  const netConfig = { cniVersion: '1.1.0', name: 'cninet', ...pluginConfig, mode: 'bridge', bridge: BRIDGE };
  const ipamDir = join(work, 'ref-ipam');
  const stateDir = join(work, 'ref-state');
  const results = new Map<string, Added>();

  interface Added {
    interfaces: Array<{ name: string; mac?: string; sandbox?: string }>;
    ips: Array<{ address: string; gateway?: string; interface?: number }>;
    routes: Array<{ dst: string; gw?: string }>;
  }
  interface Outcome {
    code: number | null;
    stdout: string;
  }

  const ipOf = (pod: string, family: 4 | 6) => results.get(pod)!.ips.find((i) => i.address.includes(':') === (family === 6))!.address.split('/')[0]!;

  /** One plugin execution as a runtime makes it, inside the node namespace. */
  async function plugin(command: string, pod: string, containerID = pod, prevResult?: unknown, config: Record<string, unknown> = netConfig): Promise<Outcome> {
    const env = {
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      XDG_CACHE_HOME: join(work, 'cache'),
      CNI_COMMAND: command,
      CNI_CONTAINERID: containerID,
      CNI_NETNS: netnsPaths.get(pod)!,
      CNI_IFNAME: 'eth0',
      CNI_PATH: reference.cniPath,
    };
    const child = run('ip', ['netns', 'exec', ns.node, join(reference.cniPath, REFERENCE_TYPE)], { env, timeout: 20_000 });
    child.child.stdin?.end(JSON.stringify({ ...config, ...(prevResult ? { prevResult } : {}) }));
    try {
      return { code: 0, stdout: (await child).stdout };
    } catch (error) {
      const e = error as { code?: unknown; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : null, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  }

  async function add(pod: string): Promise<Added> {
    const outcome = await plugin('ADD', pod);
    expect(outcome.code, outcome.stdout).toBe(0);
    const result = JSON.parse(outcome.stdout) as Added;
    results.set(pod, result);
    return result;
  }

  const links = async (name: string) => JSON.parse((await run('ip', ['-j', '-n', name, 'link', 'show'], { timeout: 10_000 })).stdout) as Array<{ ifname: string; master?: string }>;
  const bridgeAddresses = async () =>
    (JSON.parse((await run('ip', ['-j', '-n', ns.node, 'addr', 'show', 'dev', BRIDGE], { timeout: 10_000 })).stdout) as Array<{ addr_info: Array<{ local: string; prefixlen: number; scope: string }> }>)[0]!.addr_info
      .filter((a) => a.scope === 'global')
      .map((a) => `${a.local}/${a.prefixlen}`);
  const allocations = () => JSON.parse(readFileSync(join(ipamDir, netConfig.name, 'allocations.json'), 'utf8')) as Record<string, { containerID: string }>;
  const attachmentRecords = () => readdirSync(join(stateDir, 'attachments', netConfig.name));

  // An echo server in one namespace, a client in another: a TCP exchange both ways, each with a deadline.
  const ECHO_SERVER = `const s = require('node:net').createServer((c) => { c.pipe(c); c.on('close', () => s.close()); });
setTimeout(() => process.exit(2), 15000).unref();
s.listen(0, process.argv[1], () => console.log(s.address().port));`;
  const ECHO_CLIENT = `const c = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]), timeout: 5000 });
let echoed = '';
c.on('connect', () => c.end(process.argv[3]));
c.on('data', (chunk) => (echoed += chunk));
c.on('end', () => process.stdout.write(echoed));
c.on('timeout', () => { console.error('timed out'); process.exit(3); });
c.on('error', (e) => { console.error(e.message); process.exit(4); });`;

  /** argv prefix running a command inside a pod's (or the node's) namespace. */
  const inside = (name: string) => (name.startsWith('/') ? ['nsenter', `--net=${name}`] : ['ip', 'netns', 'exec', name]);

  /** Connects from namespace `from` to `host` served in namespace `to` (names, or paths); returns what came back. */
  async function exchange(from: string, to: string, host: string): Promise<string> {
    const [command, ...prefix] = inside(to);
    const server = spawn(command!, [...prefix, process.execPath, '-e', ECHO_SERVER, host], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    try {
      const port = await Promise.race([
        createInterface({ input: server.stdout })[Symbol.asyncIterator]().next().then((line) => String(line.value ?? '')),
        new Promise<string>((_, reject) => setTimeout(() => reject(new Error(`no echo server on ${host} in ${to} within 10 s`)), 10_000).unref()),
      ]);
      const token = `hello-from-${from}`;
      const [client, ...clientPrefix] = inside(from);
      const { stdout } = await run(client!, [...clientPrefix, process.execPath, '-e', ECHO_CLIENT, host, port, token], { timeout: 10_000 });
      expect(stdout).toBe(token);
      return stdout;
    } finally {
      if (server.exitCode === null) server.kill();
      await exited;
    }
  }

  async function removeNamespaces(): Promise<void> {
    for (const name of Object.values(ns)) if (existsSync(`/run/netns/${name}`)) await run('ip', ['netns', 'delete', name], { timeout: 10_000 }).catch(() => undefined);
  }

  afterAll(async () => {
    holder?.kill();
    await removeNamespaces();
    rmSync(work, { recursive: true, force: true });
  });

  it('ADDs two pods at once: host ends on one bridge holding the gateways, containers configured', async () => {
    for (const name of Object.values(ns)) await run('ip', ['netns', 'add', name], { timeout: 10_000 });
    // At once: both may find the bridge missing, and one must then use the other's.
    const [a, b] = await Promise.all([add('a'), add('b')]);
    for (const [pod, result] of [['a', a], ['b', b]] as const) {
      const hostEnd = hostEndName(pod, 'eth0');
      expect(result.interfaces.map((i) => i.name)).toEqual([BRIDGE, hostEnd, 'eth0']);
      expect(result.interfaces[2]!.sandbox).toBe(`/run/netns/${ns[pod]}`);
      expect(result.interfaces[0]!.sandbox).toBeUndefined();
      expect(result.ips.map((i) => i.interface)).toEqual([2, 2]);
      expect(result.routes).toEqual(expect.arrayContaining([{ dst: '0.0.0.0/0', gw: '198.18.0.1' }, { dst: '::/0', gw: 'fd00:c0f:1::1' }]));
      const inPod = JSON.parse((await run('ip', ['-j', '-n', ns[pod], 'addr', 'show', 'dev', 'eth0'])).stdout) as Array<{ address: string; addr_info: Array<{ local: string; prefixlen: number }> }>;
      expect(inPod[0]!.address).toBe(result.interfaces[2]!.mac);
      expect(inPod[0]!.addr_info.map((x) => `${x.local}/${x.prefixlen}`)).toEqual(expect.arrayContaining(result.ips.map((i) => i.address)));
      const routes = (await run('ip', ['-n', ns[pod], 'route', 'show', 'default'])).stdout;
      expect(routes).toContain('default via 198.18.0.1 dev eth0');
    }
    const nodeLinks = await links(ns.node);
    expect(nodeLinks.filter((l) => l.master === BRIDGE).map((l) => l.ifname).sort()).toEqual([hostEndName('a', 'eth0'), hostEndName('b', 'eth0')].sort());
    expect((await bridgeAddresses()).sort()).toEqual(['198.18.0.1/24', 'fd00:c0f:1::1/64']);
    // Only the pods' own interfaces are in the pods: nothing of the veth stays on their side but eth0.
    expect((await links(ns.a)).map((l) => l.ifname).sort()).toEqual(['eth0', 'lo']);
  });

  it('carries traffic pod A → pod B over IPv4 and IPv6, and node → pod', async () => {
    await exchange(ns.a, ns.b, ipOf('b', 4));
    await exchange(ns.a, ns.b, ipOf('b', 6));
    await exchange(ns.node, ns.b, ipOf('b', 4));
    await exchange(ns.b, ns.node, '198.18.0.1');
  });

  it('CHECK passes, and fails (code 102) once the host end leaves the bridge', async () => {
    for (const pod of ['a', 'b']) expect(await plugin('CHECK', pod, pod, results.get(pod))).toEqual({ code: 0, stdout: '' });
    const hostEnd = hostEndName('b', 'eth0');
    await run('ip', ['-n', ns.node, 'link', 'set', 'dev', hostEnd, 'nomaster']);
    const broken = await plugin('CHECK', 'b', 'b', results.get('b'));
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ code: 102, msg: `host end ${hostEnd} is on no bridge, not on ${BRIDGE}` });
    await run('ip', ['-n', ns.node, 'link', 'set', 'dev', hostEnd, 'master', BRIDGE]);
    expect(await plugin('CHECK', 'b', 'b', results.get('b'))).toEqual({ code: 0, stdout: '' });
  });

  it('refuses (code 100) a pod whose CNI_IFNAME exists, leaving no host end and no address behind', async () => {
    const outcome = await plugin('ADD', 'a', 'intruder');
    expect(outcome.code).toBe(1);
    expect(JSON.parse(outcome.stdout)).toMatchObject({ code: 100 });
    expect((await links(ns.node)).map((l) => l.ifname)).not.toContain(hostEndName('intruder', 'eth0'));
    expect(Object.values(allocations()).map((o) => o.containerID)).not.toContain('intruder');
  });

  it('refuses a bridge mode config without a bridge name (code 7), touching nothing', async () => {
    const { bridge: _, ...nameless } = netConfig;
    const outcome = await plugin('ADD', 'b', 'nameless', undefined, nameless);
    expect(outcome.code).toBe(1);
    expect(JSON.parse(outcome.stdout)).toMatchObject({ code: 7, msg: expect.stringContaining('"bridge"') });
    expect(Object.values(allocations()).map((o) => o.containerID)).not.toContain('nameless');
  });

  it("takes a namespace by a path outside /run/netns (as containerd's under its state dir, or /proc/PID/ns/net)", async () => {
    holder = spawn('ip', ['netns', 'exec', ns.held, 'sleep', '120'], { stdio: 'ignore' });
    // Only a path known to be the pod's namespace is handed over: until the holder has entered it, its path is this namespace.
    const want = `net:[${statSync(`/run/netns/${ns.held}`).ino}]`;
    const path = `/proc/${holder.pid}/ns/net`;
    for (const started = Date.now(); readlinkSync(path) !== want; await sleep(20)) if (Date.now() - started > 10_000) throw new Error(`${path} never became ${want}`);
    netnsPaths.set('held', path);
    const result = await add('held');
    expect(result.interfaces[2]).toMatchObject({ name: 'eth0', sandbox: path });
    const inPod = (await run('nsenter', [`--net=${path}`, 'ip', '-j', 'addr', 'show', 'dev', 'eth0'])).stdout;
    for (const { address } of result.ips) expect(inPod).toContain(`"local":"${address.split('/')[0]}"`);
    await exchange(path, ns.a, ipOf('a', 4));
    expect(await plugin('CHECK', 'held', 'held', result)).toEqual({ code: 0, stdout: '' });
    expect(await plugin('DEL', 'held')).toEqual({ code: 0, stdout: '' });
    expect((await links(ns.held)).map((l) => l.ifname)).toEqual(['lo']);
    holder.kill();
  });

  it('DEL removes the host ends and releases the addresses, also for a pod whose namespace is gone', async () => {
    await add('gone');
    await run('ip', ['netns', 'delete', ns.gone], { timeout: 10_000 });
    for (const pod of ['a', 'b', 'gone']) expect(await plugin('DEL', pod)).toEqual({ code: 0, stdout: '' });
    // The bridge stays for the next pod, as the bridge plugin leaves it.
    expect((await links(ns.node)).map((l) => l.ifname).sort()).toEqual([BRIDGE, 'lo']);
    expect((await links(ns.a)).map((l) => l.ifname)).toEqual(['lo']);
    expect(allocations()).toEqual({});
    expect(attachmentRecords()).toEqual([]);
    // A repeated DEL finds nothing and succeeds.
    expect(await plugin('DEL', 'a')).toEqual({ code: 0, stdout: '' });
  });

  it('leaves nothing once the namespaces and the state directories are removed', async () => {
    await removeNamespaces();
    const left = (await run('ip', ['netns', 'list'], { timeout: 10_000 })).stdout;
    expect(left.split('\n').filter((line) => line.startsWith(prefix))).toEqual([]);
    rmSync(work, { recursive: true, force: true });
    expect(existsSync(work)).toBe(false);
  });
});
