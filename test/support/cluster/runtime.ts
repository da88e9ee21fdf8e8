// The CRI runtime kubelet talks to, as a parameter of the cluster: a function that starts a CRI
// endpoint inside the cluster's namespaces and returns its socket. containerd is one; conformal's
// reference runtime is another.
import { join } from 'node:path';
import { startContainerd } from '../../real/cri/containerd-process.js';
import { CLI } from '../cli.js';
import { startComponent } from './component.js';

export interface CriRuntimeContext {
  /** A directory under the cluster's state dir for the runtime's root, state and socket. */
  readonly dir: string;
  /** The cluster's namespaces, for runtimes that take them as such (nsenter flags). */
  readonly namespaces: { readonly net: string; readonly mnt: string };
  /** argv that runs `argv` inside the cluster's namespaces. */
  enter(argv: readonly string[]): string[];
  /** host:port of the test image registry, reachable inside the network namespace (plain HTTP). */
  readonly registryHost: string;
  /** The same registry as a unix socket path. */
  readonly registrySocket: string;
  /** The pod sandbox ("pause") image. */
  readonly sandboxImage: string;
  /** The directory holding the cluster's CNI network config, and the plugins' directory. */
  readonly cniConfDir: string;
  readonly cniBinDir: string;
  readonly signal: AbortSignal;
}

export interface RunningCriRuntime {
  /** For messages: "containerd 1.6", "conformal reference". */
  readonly name: string;
  /** unix:///path for kubelet's containerRuntimeEndpoint. */
  readonly endpoint: string;
  log(): string;
  stop(): Promise<void>;
}

export type CriRuntime = (context: CriRuntimeContext) => Promise<RunningCriRuntime>;

/** containerd (Debian's 1.6 with config version 2, or 2.4 with version 4) with the cluster's CNI config, running containers with `runc`. */
export function containerdRuntime(binary: string, runc: string, configVersion: 2 | 4 = 2): CriRuntime {
  return async (context) => {
    const containerd = await startContainerd({
      containerd: binary,
      runcBinary: runc,
      configVersion,
      dir: context.dir,
      registryHost: context.registryHost,
      sandboxImage: context.sandboxImage,
      cniBinDir: context.cniBinDir,
      cniConfDir: context.cniConfDir,
      namespaces: context.namespaces,
    });
    return { name: 'containerd', endpoint: containerd.endpoint, log: () => containerd.log(), stop: () => containerd.stop() };
  };
}

/**
 * conformal's reference CRI runtime, served by the built CLI (`conformal reference cri`) inside the
 * cluster's namespaces: in-memory sandboxes and simulated processes, images pulled from the
 * cluster's registry. With `cni`, it runs the cluster's CNI configuration for each pod as containerd
 * does (`--cni-conf-dir`, `--cni-bin-dir`); without, each pod gets a loopback address.
 */
export function referenceRuntime(options: { readonly cni?: boolean } = {}): CriRuntime {
  return async (context) => {
    const socket = join(context.dir, 'reference-cri.sock');
    const cniFlags = options.cni ? [`--cni-conf-dir=${context.cniConfDir}`, `--cni-bin-dir=${context.cniBinDir}`] : [];
    const starting = startComponent('conformal reference cri', context.enter([process.execPath, CLI, 'reference', 'cri', `--endpoint=unix://${socket}`, ...cniFlags]));
    const server = await starting.ready(async () => (/serving the cri reference/.test(starting.log()) ? true : undefined), `serving on ${socket}`, context.signal);
    return { name: 'conformal reference cri', endpoint: `unix://${socket}`, log: () => server.log(), stop: () => server.stop() };
  };
}
