// Real namespaces are made and removed POOL_BATCH at a time: a test takes a fresh one, a released
// one is gone after flush (as is every one made and never taken), and inspect reads the addresses
// and the main-table routes of both families with one `ip`. Needs root (CI runs as root).
import { existsSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { POOL_BATCH, realNetns, runIp, type Namespace, type NetnsProvider } from '../../../src/interfaces/cni/netns.js';

const root = process.getuid?.() === 0;
const signal = () => AbortSignal.timeout(20_000);
const PREFIX = `cnftest-${process.pid}`;

describe.runIf(root)('RealNetns', () => {
  let provider: NetnsProvider | undefined;
  afterEach(async () => {
    await provider?.flush(signal());
    // And any a failing test took and never released.
    for (const name of readdirSync('/run/netns').filter((n) => n.startsWith(`${PREFIX}-`))) await runIp(['netns', 'delete', name], signal());
  });

  async function made(): Promise<NetnsProvider> {
    const chosen = await realNetns(PREFIX, signal());
    if (!chosen.provider) throw new Error(chosen.why);
    provider = chosen.provider;
    return provider;
  }

  it('hands out distinct namespaces past one batch and removes them all at flush', async () => {
    const netns = await made();
    const taken: Namespace[] = [];
    for (let i = 0; i < POOL_BATCH + 2; i++) taken.push(await netns.take(signal()));
    expect(new Set(taken.map((ns) => ns.name)).size).toBe(POOL_BATCH + 2);
    for (const ns of taken) expect(existsSync(ns.path)).toBe(true);
    for (const ns of taken) await netns.release(ns, signal());
    expect(await netns.flush(signal())).toEqual([]);
    for (const ns of taken) expect(existsSync(ns.path)).toBe(false);
    // Made by the second batch and never taken: gone too.
    for (let i = POOL_BATCH + 3; i <= 2 * POOL_BATCH; i++) expect(existsSync(`/run/netns/${PREFIX}-${i}`)).toBe(false);
  }, 60_000);

  it('flush goes past a released namespace someone else already removed', async () => {
    const netns = await made();
    const [gone, kept] = [await netns.take(signal()), await netns.take(signal())];
    await runIp(['netns', 'delete', gone.name], signal());
    await netns.release(gone, signal());
    await netns.release(kept, signal());
    // One `ip -force -batch` fails on the first line and still removes the second.
    expect(await netns.flush(signal())).toEqual([]);
    expect(existsSync(kept.path)).toBe(false);
  }, 60_000);

  it('inspects addresses and the main-table routes of both families with one ip', async () => {
    const netns = await made();
    const ns = await netns.take(signal());
    const batch = ['link add cnft0 type veth peer name cnft1', 'link set cnft0 up', 'link set cnft1 up', 'addr add 198.18.7.2/24 dev cnft0', 'addr add fd00:c0f:7::2/64 dev cnft0 nodad', 'route add 198.19.7.0/24 via 198.18.7.1 dev cnft0', 'route add fd00:c0f:8::/64 via fd00:c0f:7::1 dev cnft0'];
    await runIp(['-n', ns.name, '-batch', '-'], signal(), `${batch.join('\n')}\n`);
    const state = await netns.inspect(ns, signal());
    expect(state.links.find((l) => l.name === 'cnft0')?.addresses).toEqual(expect.arrayContaining(['198.18.7.2/24', 'fd00:c0f:7::2/64']));
    expect(state.routes).toEqual(expect.arrayContaining([
      { dst: '198.19.7.0/24', gw: '198.18.7.1', dev: 'cnft0' },
      { dst: 'fd00:c0f:8::/64', gw: 'fd00:c0f:7::1', dev: 'cnft0' },
    ]));
    // The local table's entries (the address itself, broadcast) are not routes of the namespace's main table.
    expect(state.routes.some((r) => r.dst === '198.18.7.2/32' || r.dst === '198.18.7.255/32')).toBe(false);
    await netns.release(ns, signal());
  }, 60_000);
});

describe('runIp', () => {
  it('gives ip its input and survives an ip that exits without reading it', async () => {
    // 1 MiB is more than a pipe holds: the write meets EPIPE once `ip -V` has exited.
    expect(await runIp(['-V'], AbortSignal.timeout(10_000), 'x'.repeat(1 << 20))).toMatch(/iproute2/);
    await expect(runIp(['netns', 'delete', `cnftest-absent-${process.pid}`], AbortSignal.timeout(10_000))).rejects.toThrow(/netns delete/);
  });
});
