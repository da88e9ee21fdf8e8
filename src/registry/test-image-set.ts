// The harness's own CRI test images, built at run time from files at hand (Debian's
// busybox-static) and served by the loopback registry, so no public registry is needed.
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImage, layerOf, tarDirectory, type BuiltImage } from './oci-image.js';
import { OciRegistry } from './registry-server.js';

/** Where Debian's busybox-static (and most distributions' busybox) installs the binary. */
export const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox'];

const APPLETS = ['sh', 'echo', 'cat', 'sleep', 'env', 'id', 'hostname', 'httpd', 'ls', 'mkdir', 'touch', 'grep', 'true', 'false', 'wc', 'head', 'ps', 'stat', 'nc', 'top', 'kill', 'readlink', 'dd'];

/** References the suite pulls; the same shape a --test-images file gives. */
export interface TestImageRefs {
  /** The workhorse: busybox with the applets above, runs as root. */
  readonly busybox: string;
  /** The same manifest by digest (name@sha256:…). */
  readonly busyboxDigest?: string;
  /** A second tag of the same manifest. */
  readonly busyboxAlias?: string;
  /** Same files, config User "1000": the runtime must report uid 1000. */
  readonly userImage?: string;
  /** A long-running image for containerd's sandbox_image (never removed by tests). */
  readonly pause?: string;
  /** Repository where every tag is a distinct small image: tests pull and remove their own tag. */
  readonly scratchRepository?: string;
}

export function findBusybox(): string | undefined {
  return BUSYBOX_CANDIDATES.find((path) => existsSync(path));
}

/** The busybox root filesystem every test image starts from, as one layer. */
export async function busyboxRootfsLayer(busybox: string | undefined): Promise<{ blob: BuiltImage['layers'][number]; diffId: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'conformal-rootfs-'));
  try {
    for (const sub of ['bin', 'etc', 'tmp', 'root', 'proc', 'sys', 'dev', 'www', 'home/conformal']) mkdirSync(join(dir, sub), { recursive: true });
    chmodSync(join(dir, 'tmp'), 0o1777);
    if (busybox) {
      copyFileSync(busybox, join(dir, 'bin/busybox'));
      chmodSync(join(dir, 'bin/busybox'), 0o755);
      for (const applet of APPLETS) symlinkSync('busybox', join(dir, 'bin', applet));
    } else {
      // Without busybox, empty stand-ins: the reference runs a command only if the image has it.
      for (const applet of APPLETS) writeFileSync(join(dir, 'bin', applet), '', { mode: 0o755 });
    }
    writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nconformal:x:1000:1000:conformal:/home/conformal:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
    writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nconformal:x:1000:\nnogroup:x:65534:\n');
    writeFileSync(join(dir, 'www/index.html'), 'conformal test image\n');
    return layerOf(await tarDirectory(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TestImageRegistry {
  readonly registry: OciRegistry;
  readonly images: TestImageRefs;
  /** False when no busybox binary was found: the images hold no executables (fine for the reference only). */
  readonly hasBusybox: boolean;
  close(): Promise<void>;
}

/** Builds the test images and serves them on a loopback registry. */
export async function startTestImageRegistry(options: { busybox?: string; port?: number } = {}): Promise<TestImageRegistry> {
  const busybox = options.busybox ?? findBusybox();
  const layer = await busyboxRootfsLayer(busybox);
  const registry = new OciRegistry();
  const host = await registry.listen('127.0.0.1', options.port ?? 0);
  const main = buildImage([layer], { cmd: ['/bin/sh'] });
  registry.push('conformal/busybox', '1.0', main);
  registry.push('conformal/busybox', 'alias', main);
  registry.push('conformal/busybox-user', '1.0', buildImage([layer], { cmd: ['/bin/sh'], user: '1000' }));
  // The sandbox ("pause") image only has to stay alive until it is killed.
  registry.push('conformal/pause', '1.0', buildImage([layer], { entrypoint: ['/bin/sleep', '2147483647'] }));
  const scratchLayer = layerOf(await tarFromFiles({ 'scratch.txt': 'scratch\n' }));
  // A label with the tag makes every tag a distinct image id, so tests never share one.
  registry.generateTags('conformal/scratch', (tag) => buildImage([scratchLayer], { cmd: ['/scratch'], labels: { 'conformal.tag': tag } }));
  return {
    registry,
    hasBusybox: busybox !== undefined,
    images: {
      busybox: `${host}/conformal/busybox:1.0`,
      busyboxDigest: `${host}/conformal/busybox@${main.manifest.digest}`,
      busyboxAlias: `${host}/conformal/busybox:alias`,
      userImage: `${host}/conformal/busybox-user:1.0`,
      pause: `${host}/conformal/pause:1.0`,
      scratchRepository: `${host}/conformal/scratch`,
    },
    close: () => registry.close(),
  };
}

/** A layer tarball holding these files (name relative to the root -> content). */
export async function tarFromFiles(files: Record<string, string>): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'conformal-layer-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return await tarDirectory(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
