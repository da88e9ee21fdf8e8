// Runs containerd (Debian's 1.6, or a 2.x built by .ci/setup/42-containerd2.sh) as a child process for
// the real CRI test: root, state, socket, CNI config and registry hosts all in one temp dir; afterwards
// every trace is removed (pods, shims, mounts, network namespaces, the bridge, cgroup directories, the temp dir).
import { execFile as execFileCb, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { waitFor } from '../../../src/core/deadline.js';
import { unmountUnder } from '../../support/mounts.js';
import { enter, type RunNamespaces } from '../../critest/namespaces.js';

const execFile = promisify(execFileCb);

export interface ContainerdOptions {
  readonly containerd: string;
  /**
   * The config layout the binary reads: 2 for containerd 1.x, 4 for containerd 2.4 and later (the
   * CRI plugin ids of 2.x, server settings as plugins; its own runc shim, installed beside the
   * binary, named explicitly).
   */
  readonly configVersion: 2 | 4;
  /** host:port of the loopback registry, declared plain HTTP in hosts.toml. */
  readonly registryHost: string;
  /** Registries (e.g. gcr.io) whose images are pulled from `mirror` instead, keeping their names. */
  readonly mirrors?: { readonly registries: readonly string[]; readonly host: string };
  /** Image the CRI plugin runs as the sandbox ("pause") container. */
  readonly sandboxImage: string;
  readonly cniBinDir?: string;
  /** Namespaces to run containerd in (its host-IPC containers then share its IPC namespace). */
  readonly namespaces?: RunNamespaces;
  /** A directory the caller owns (and removes) for root, state and socket, instead of a temp dir of its own. */
  readonly dir?: string;
  /** A directory holding the caller's CNI network config, instead of the bridge config written here. */
  readonly cniConfDir?: string;
  /** runc to run containers with (the runc runtime's BinaryName), instead of the first on PATH. */
  readonly runcBinary?: string;
}

export interface RunningContainerd {
  readonly endpoint: string;
  readonly dir: string;
  readonly bridge: string;
  /** containerd's own log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

function config(dir: string, options: ContainerdOptions): string {
  return options.configVersion === 4 ? configV4(dir, options) : configV2(dir, options);
}

function configV2(dir: string, options: ContainerdOptions): string {
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "${dir}/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  disable_apparmor = true
  restrict_oom_score_adj = true
  sandbox_image = "${options.sandboxImage}"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  netns_mounts_under_state_dir = true
${options.runcBinary ? runcRuntimeV2(options.runcBinary) : ''}  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${options.cniBinDir ?? '/usr/lib/cni'}"
    conf_dir = "${options.cniConfDir ?? `${dir}/cni`}"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "${dir}/certs.d"
`;
}

/** The runc runtime named by path (BinaryName), the default runtime of containerd 1.x's CRI plugin. */
function runcRuntimeV2(runc: string): string {
  return `  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "${runc}"
`;
}

/**
 * containerd 2.4: the CRI plugin is split into images and runtime plugins (config version 3, 2.0);
 * streaming stays in the grpc one; the gRPC and TTRPC servers are plugins (version 4, 2.4), and the
 * TTRPC one no longer follows the gRPC address, so both are set. NRI is disabled because it would
 * listen on /var/run/nri, outside the temp dir. The runc shim is named by path: on PATH, Debian's
 * 1.6 shim would be found first.
 */
function configV4(dir: string, options: ContainerdOptions): string {
  return `version = 4
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.tracing.processor.v1.otlp", "io.containerd.nri.v1.nri"]
[plugins.'io.containerd.server.v1.grpc']
  address = "${dir}/containerd.sock"
[plugins.'io.containerd.server.v1.ttrpc']
  address = "${dir}/containerd.sock.ttrpc"
[plugins.'io.containerd.internal.v1.opt']
  path = "${dir}/opt"
[plugins.'io.containerd.cri.v1.images']
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "${options.sandboxImage}"
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "${dir}/certs.d"
[plugins.'io.containerd.cri.v1.runtime']
  disable_apparmor = true
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    runtime_path = "${join(dirname(options.containerd), 'containerd-shim-runc-v2')}"
${options.runcBinary ? `    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]\n      BinaryName = "${options.runcBinary}"\n` : ''}  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["${options.cniBinDir ?? '/usr/lib/cni'}"]
    conf_dir = "${options.cniConfDir ?? `${dir}/cni`}"
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
`;
}

/** A bridge with no address on the host: pod addresses live only inside the pod network namespaces. */
function cniConfig(bridge: string): string {
  return JSON.stringify({
    cniVersion: '1.0.0',
    name: 'conformal',
    plugins: [{ type: 'bridge', bridge, isGateway: false, ipMasq: false, ipam: { type: 'host-local', ranges: [[{ subnet: '10.213.77.0/24' }]] } }],
  });
}

export async function startContainerd(options: ContainerdOptions): Promise<RunningContainerd> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'conformal-ctd-'));
  const bridge = `cnfml${randomBytes(3).toString('hex')}`;
  for (const sub of ['root', 'state', 'opt', 'cni', `certs.d/${options.registryHost}`]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'config.toml'), config(dir, options));
  if (!options.cniConfDir) writeFileSync(join(dir, 'cni', '10-conformal.conflist'), cniConfig(bridge));
  const plainHttp = (host: string) => `server = "http://${host}"\n[host."http://${host}"]\n  capabilities = ["pull", "resolve"]\n`;
  writeFileSync(join(dir, 'certs.d', options.registryHost, 'hosts.toml'), plainHttp(options.registryHost));
  for (const registry of options.mirrors?.registries ?? []) {
    mkdirSync(join(dir, 'certs.d', registry), { recursive: true });
    writeFileSync(join(dir, 'certs.d', registry, 'hosts.toml'), plainHttp(options.mirrors!.host));
  }
  let output = '';
  const [command, ...argv] = enter(options.namespaces, [options.containerd, '--config', join(dir, 'config.toml')]);
  const child: ChildProcess = spawn(command!, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const socket = join(dir, 'containerd.sock');
  const signal = AbortSignal.timeout(30_000);
  await waitFor(async () => (existsSync(socket) && output.includes('containerd successfully booted') ? true : child.exitCode !== null ? Promise.reject(new Error(`containerd exited: ${output.slice(-2000)}`)) : undefined), {
    signal,
    description: 'containerd to boot',
    intervalMs: 100,
  });
  return {
    endpoint: `unix://${socket}`,
    dir,
    bridge,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
        await exited;
      }
      await killShims(dir);
      await unmountUnder(dir);
      if (!options.cniConfDir) await execFile('ip', ['link', 'del', bridge]).catch(() => undefined);
      removeCgroupDirs('conformal-stats');
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Shims started by this containerd carry its socket path in their argv. */
async function killShims(dir: string): Promise<void> {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes('containerd-shim') && cmdline.includes(dir)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/** Removes the (empty) cgroup directories the sandbox stats tests asked for, in every v1 hierarchy and v2. */
function removeCgroupDirs(name: string): void {
  const root = '/sys/fs/cgroup';
  const candidates = [join(root, name), ...(existsSync(root) ? readdirSync(root).map((controller) => join(root, controller, name)) : [])];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      for (const child of readdirSync(path, { withFileTypes: true })) if (child.isDirectory()) rmdirSync(join(path, child.name));
      rmdirSync(path);
    } catch {
      // busy or not ours to remove; the next run reuses it
    }
  }
}
