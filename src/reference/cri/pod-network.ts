// Pod networking as containerd's CRI plugin does it, for `conformal reference cri --cni-conf-dir`:
// RunPodSandbox makes a network namespace for the pod and runs the first network configuration of
// the conf dir in it (ADD, through the CNI runtime of src/interfaces/cni/runtime); PodSandboxStatus
// reports the addresses of eth0; StopPodSandbox and RemovePodSandbox run DEL and remove the
// namespace (the runtime does it once per sandbox, and again after a failed DEL). The namespace is
// made with `ip netns add` in whatever network and mount namespaces the runtime itself runs in.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { RealNetns, type Namespace } from '../../interfaces/cni/netns.js';
import { parseNetworkConfig, type JsonObject, type NetworkList } from '../../interfaces/cni/runtime/config.js';
import { CniRuntime } from '../../interfaces/cni/runtime/network.js';
import type { Attachment } from '../../interfaces/cni/runtime/invoke.js';
import type { PodSandboxConfig } from '../../interfaces/cri/types.js';

export interface PodNetworkSettings {
  /** The directory of network configurations: the first `.conflist`, `.conf` or `.json` by name is used, as containerd does. */
  readonly confDir: string;
  /** Where the plugin binaries are (CNI_PATH). */
  readonly binDir: string;
  /** The result cache (DEL's prevResult), under the runtime's state. */
  readonly cacheDir: string;
  readonly pluginTimeoutMs?: number;
  /** argv the plugins run under, e.g. nsenter into the node's network namespace; none when the runtime runs there itself. */
  readonly pluginLauncher?: readonly string[];
  /** How the pods' namespace names start (then 16 hex digits): `cni-`, as containerd's. */
  readonly netnsPrefix?: string;
}

/** What a pod got from the network: its namespace and the addresses of eth0. */
export interface PodAttachment {
  readonly netns: Namespace;
  /** The first address (IPv4 first, as containerd picks); "" when the result had none. */
  readonly ip: string;
  readonly additionalIps: readonly string[];
  /** The CNI attachment, for DEL. */
  readonly attachment: Attachment;
}

export const POD_IFNAME = 'eth0';
const CONFIG_EXTENSIONS = ['.conflist', '.conf', '.json'];

/** The first network configuration of `dir` by file name, as libcni's ConfFiles and containerd choose it. */
export function loadFirstNetwork(dir: string): NetworkList {
  const files = readdirSync(dir)
    .filter((name) => CONFIG_EXTENSIONS.some((ext) => name.endsWith(ext)))
    .sort();
  const first = files[0];
  if (!first) throw new ConfigError(`no CNI network configuration (${CONFIG_EXTENSIONS.join(', ')}) in ${dir}`, { field: '--cni-conf-dir' });
  return parseNetworkConfig(readFileSync(join(dir, first), 'utf8'), join(dir, first));
}

/** CNI_ARGS as containerd sets them for a pod. */
export function podCniArgs(sandboxId: string, config: PodSandboxConfig): string {
  const m = config.metadata;
  return `IgnoreUnknown=1;K8S_POD_NAMESPACE=${m.namespace};K8S_POD_NAME=${m.name};K8S_POD_INFRA_CONTAINER_ID=${sandboxId};K8S_POD_UID=${m.uid}`;
}

/** The capability arguments containerd offers (runtimeConfig keeps those a plugin declares). */
export function podCapabilityArgs(config: PodSandboxConfig): JsonObject {
  const args: JsonObject = {
    portMappings: (config.portMappings ?? [])
      .filter((m) => m.hostPort)
      .map((m) => ({ hostPort: m.hostPort, containerPort: m.containerPort, protocol: (m.protocol ?? 'TCP').toLowerCase(), hostIP: m.hostIp ?? '' })),
  };
  const dns = config.dnsConfig;
  if (dns) args.dns = { servers: dns.servers ?? [], searches: dns.searches ?? [], options: dns.options ?? [] };
  const cgroupParent = config.linux?.cgroupParent;
  if (cgroupParent) args.cgroupPath = cgroupParent;
  return args;
}

interface ResultIp {
  readonly address?: string;
  readonly interface?: number;
}
interface ResultInterface {
  readonly name?: string;
  readonly sandbox?: string;
}

/** The addresses (without prefix length) of `ifname` in the pod, IPv4 first; every address when the result names no interface. */
export function podAddresses(result: unknown, ifname = POD_IFNAME): string[] {
  const r = (result ?? {}) as { ips?: ResultIp[]; interfaces?: ResultInterface[] };
  const interfaces = r.interfaces ?? [];
  const ips = (r.ips ?? []).filter((ip) => {
    if (ip.interface === undefined) return true;
    const iface = interfaces[ip.interface];
    return iface === undefined || (iface.name === ifname && iface.sandbox !== undefined && iface.sandbox !== '');
  });
  const addresses = ips.map((ip) => (ip.address ?? '').split('/')[0]!).filter((a) => a !== '');
  return [...addresses.filter((a) => !a.includes(':')), ...addresses.filter((a) => a.includes(':'))];
}

export class PodNetwork {
  readonly #cni: CniRuntime;
  readonly #netns = new RealNetns();

  constructor(readonly settings: PodNetworkSettings) {
    this.#cni = new CniRuntime(loadFirstNetwork(settings.confDir), {
      cniPath: [settings.binDir],
      pluginTimeoutMs: settings.pluginTimeoutMs ?? 60_000,
      cacheDir: settings.cacheDir,
      ...(settings.pluginLauncher ? { launcher: settings.pluginLauncher } : {}),
    });
  }

  get network(): NetworkList {
    return this.#cni.network;
  }

  /** A namespace for the pod and ADD through the network; on failure nothing is left (DEL run, namespace removed). */
  async setUp(sandboxId: string, config: PodSandboxConfig, signal: AbortSignal): Promise<PodAttachment> {
    const netns = await this.#netns.create(`${this.settings.netnsPrefix ?? 'cni-'}${randomBytes(8).toString('hex')}`, signal);
    const attachment: Attachment = { containerID: sandboxId, ifname: POD_IFNAME, netns: netns.path, args: podCniArgs(sandboxId, config) };
    const capabilityArgs = podCapabilityArgs(config);
    try {
      const { result } = await this.#cni.add(attachment, { signal, capabilityArgs });
      const [ip = '', ...additionalIps] = podAddresses(result);
      return { netns, ip, additionalIps, attachment };
    } catch (error) {
      await this.#cni.del(attachment, { signal, capabilityArgs }).catch(() => undefined);
      await this.#netns.remove(netns, signal).catch(() => undefined);
      throw error;
    }
  }

  /** DEL and the namespace's removal; throws when DEL fails (the caller keeps the attachment to try again). */
  async tearDown(pod: PodAttachment, config: PodSandboxConfig, signal: AbortSignal): Promise<void> {
    await this.#cni.del(pod.attachment, { signal, capabilityArgs: podCapabilityArgs(config) });
    await this.#netns.remove(pod.netns, signal);
  }

  /** Attachments added and not deleted (for leak checks). */
  attached(): string[] {
    return this.#cni.cachedAttachments().map((a) => `${a.network}/${a.containerID}/${a.ifname}`);
  }
}
