// critest's test images, made from busybox and served on conformal's loopback registry so critest
// runs with no public registry: every repository critest v1.37.0 names (gcr.io/k8s-staging-cri-tools,
// registry.k8s.io/e2e-test-images, the pause image of registry.k8s.io and k8s.gcr.io) is pushed
// under its path, and the runtime is told to pull those registries from here (a mirror: containerd's
// hosts.toml, the reference's --registry-mirror), so images keep the names critest compares with.
// Built as cri-tools' images/ Dockerfiles build them (busybox plus a file or a USER), except where
// noted in docs/cri/critest.md.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, goArch, layerOf, tarDirectory, type BuiltImage } from '../../src/registry/oci-image.js';
import { OciRegistry } from '../../src/registry/registry-server.js';
import { busyboxRootfsLayer, tarFromFiles } from '../../src/registry/test-image-set.js';

/** The registries critest pulls from; the runtime under test pulls them from the loopback registry. */
export const CRITEST_REGISTRIES = ['gcr.io', 'registry.k8s.io', 'k8s.gcr.io'] as const;

const TOOLS = 'k8s-staging-cri-tools';

export interface CritestImages {
  readonly registry: OciRegistry;
  /** The --test-images-file content: critest's two overridable images, named by the loopback host. */
  readonly testImagesYaml: string;
  close(): Promise<void>;
}

type Layer = ReturnType<typeof layerOf>;

/** A layer of what `populate` puts in a fresh directory. */
async function layerBuiltIn(populate: (dir: string) => void): Promise<Layer> {
  const dir = mkdtempSync(join(tmpdir(), 'conformal-critest-layer-'));
  try {
    populate(dir);
    return layerOf(await tarDirectory(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

/** A layer of these files (path -> content). */
const layerOfTree = (files: Record<string, string>) => layerBuiltIn((dir) => writeFiles(dir, files));

/**
 * busybox and every applet it has as hard links in /bin, as the busybox image installs them (a
 * masked /bin/ls then masks ls only, not busybox itself as a symbolic link would), and `files`.
 */
const appletsLayer = (busybox: string, files: Record<string, string>) =>
  layerBuiltIn((dir) => {
    mkdirSync(join(dir, 'bin'));
    copyFileSync(busybox, join(dir, 'bin/busybox'));
    chmodSync(join(dir, 'bin/busybox'), 0o755);
    const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter((name) => /^[\w.-]+$/.test(name) && name !== 'busybox');
    for (const applet of applets) linkSync(join(dir, 'bin/busybox'), join(dir, 'bin', applet));
    writeFiles(dir, { ...files, ...Object.fromEntries(Object.entries(MISSING_APPLETS).filter(([path]) => !applets.includes(path.slice('bin/'.length)))) });
    for (const path of Object.keys(MISSING_APPLETS)) if (!applets.includes(path.slice('bin/'.length))) chmodSync(join(dir, path), 0o755);
  });

/**
 * The two applets critest runs that Debian's busybox-static leaves out, as busybox sh scripts with
 * the output critest reads: pgrep NAME (the PIDs, status 1 for none) and ipcs -m (the segments).
 */
const MISSING_APPLETS: Record<string, string> = {
  'bin/pgrep': `#!/bin/sh
status=1
for dir in /proc/[0-9]*; do
  pid=\${dir#/proc/}
  [ "$pid" = "$$" ] && continue
  name=$(cat "$dir/comm" 2>/dev/null) || continue
  case "$name" in *"$1"*) echo "$pid"; status=0 ;; esac
done
exit $status
`,
  'bin/ipcs': `#!/bin/sh
echo
echo "------ Shared Memory Segments --------"
echo "key        shmid      owner      perms      bytes      nattch     status"
tail -n +2 /proc/sysvipc/shm | while read -r key shmid perms size cpid lpid nattch rest; do
  printf '0x%08x %-10s %-10s %-10s %-10s %s\\n' "$key" "$shmid" root "$perms" "$size" "$nattch"
done
echo
`,
};

/** /etc/passwd and /etc/group of the busybox image (www-data is a user there), plus `extra` lines. */
function accounts(extra: { passwd?: string; group?: string } = {}): Record<string, string> {
  return {
    'etc/passwd': `root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n${extra.passwd ?? ''}`,
    'etc/group': `root:x:0:\nwww-data:x:33:\nnogroup:x:65534:\n${extra.group ?? ''}`,
    'var/run/.keep': '',
  };
}

export async function startCritestImages(busybox: string): Promise<CritestImages> {
  const base = await busyboxRootfsLayer(busybox);
  const applets = await appletsLayer(busybox, accounts());
  const busyboxImage = (options: Parameters<typeof buildImage>[1] = { cmd: ['sh'] }, ...more: Layer[]) => buildImage([base, applets, ...more], options);
  const registry = new OciRegistry();
  const host = await registry.listen('127.0.0.1');
  const push = (repository: string, tags: readonly string[], image: BuiltImage) => tags.forEach((tag) => registry.push(repository, tag, image));

  // images/image-test: busybox plus a file named after the image, so every name is a distinct image.
  const testImage = async (file: string) => busyboxImage({ cmd: ['sh'] }, layerOf(await tarFromFiles({ [file]: `${file}\n` })));
  push(`${TOOLS}/test-image-latest`, ['latest'], await testImage('test-image-latest'));
  push(`${TOOLS}/test-image-tag`, ['test'], await testImage('test-image-tag'));
  push(`${TOOLS}/test-image-tag`, ['all'], await testImage('test-image-tag-all'));
  for (const n of [1, 2, 3]) push(`${TOOLS}/test-image-${n}`, ['latest'], await testImage(`test-image-${n}`));
  push(`${TOOLS}/test-image-tags`, ['1', '2', '3'], await testImage('same-image'));

  // images/image-user: busybox with a USER (cri-tools' images/build script names these four).
  const users: Record<string, string> = { 'test-image-user-uid': '1002', 'test-image-user-username': 'www-data', 'test-image-user-uid-group': '1003:1004', 'test-image-user-username-group': 'www-data:1004' };
  for (const [name, user] of Object.entries(users)) push(`${TOOLS}/${name}`, ['latest'], busyboxImage({ cmd: ['sh'], user }));

  // images/image-predefined-group: default-user (1000) belongs to group-defined-in-image (50000).
  const predefined = await layerOfTree(accounts({ passwd: 'default-user:x:1000:1000::/home/default-user:/bin/sh\n', group: 'default-user:x:1000:\ngroup-defined-in-image:x:50000:default-user\n' }));
  push(`${TOOLS}/test-image-predefined-group`, ['latest'], busyboxImage({ cmd: ['sh'], user: '1000' }, predefined));

  // Web servers: busybox httpd in the foreground on the port the real image's server uses.
  const page = await layerOfTree({ 'www/index.html': 'conformal stand-in for nginx\n' });
  const httpd = (port: number | string, banner?: string) =>
    busyboxImage({ cmd: ['sh', '-c', `${banner ? `echo ${banner}; ` : ''}echo $$ > /var/run/nginx.pid; exec httpd -f -p ${port} -h /www`] }, page);
  // With host network it listens on the node: loopback only (critest checks 127.0.0.1:12003).
  push(`${TOOLS}/hostnet-nginx-${goArch()}`, ['latest'], httpd('127.0.0.1:12003'));
  push('e2e-test-images/nginx', ['1.14-2'], httpd(80));
  // The multi-container spec looks for "httpd" in the server's log.
  push('e2e-test-images/httpd', ['2.4.39-4'], httpd(80, 'httpd serving on port 80'));
  push('e2e-test-images/busybox', ['1.29-2'], busyboxImage());
  // A sandbox image that waits forever, under a name of its own: in a shared PID namespace critest's
  // `pgrep sleep` must not find it.
  push('pause', ['3.9'], busyboxImage({ entrypoint: ['/bin/tail', '-f', '/dev/null'] }));

  return {
    registry,
    testImagesYaml: `defaultTestContainerImage: ${host}/e2e-test-images/busybox:1.29-2\nwebServerTestImage: ${host}/e2e-test-images/nginx:1.14-2\n`,
    close: () => registry.close(),
  };
}
