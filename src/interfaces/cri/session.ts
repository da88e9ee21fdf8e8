// open(): provide the test images (loopback registry or --test-images), start the embedded
// reference or dial the configured endpoints, learn the runtime once (Version, Status) and
// build the env. Also the run's leak check.
import { join } from 'node:path';
import { TargetUnreachableError } from '../../core/errors.js';
import type { OpenContext, Session } from '../../core/plugin.js';
import { parseEndpoint } from '../../transport/grpc.js';
import { startTestImageRegistry, type TestImageRefs, type TestImageRegistry } from '../../registry/test-image-set.js';
import { startReferenceRuntime, type RunningReferenceRuntime } from '../../reference/cri/server.js';
import type { CriFault } from '../../reference/cri/faults.js';
import { CriCapability } from './capabilities.js';
import { CriClient } from './client.js';
import type { CriEnv } from './env.js';
import type { CriOptions } from './options.js';
import { readTestImagesFile } from './test-images-file.js';
import { validateCriOptions } from './validate.js';
import type { Container, PodSandbox, StatusResponse, VersionResponse } from './types.js';

export const RUN_LABEL = 'conformal.run';

function capabilitiesOf(images: TestImageRefs, nodeLocal: boolean, handlerKnown: boolean, hostPorts: boolean, userNamespaces: boolean): Set<string> {
  const names = new Set<string>();
  if (hostPorts) names.add(CriCapability.hostPorts);
  if (nodeLocal) names.add(CriCapability.nodeLocal);
  if (nodeLocal && process.platform === 'linux' && process.getuid?.() === 0) names.add(CriCapability.nodeRoot);
  if (images.busyboxDigest) names.add(CriCapability.imageDigest);
  if (images.busyboxAlias) names.add(CriCapability.imageAlias);
  if (images.userImage) names.add(CriCapability.imageUser);
  if (images.scratchRepository) names.add(CriCapability.imageScratch);
  if (handlerKnown) names.add(CriCapability.runtimeHandler);
  if (userNamespaces) names.add(CriCapability.userNamespaces);
  return names;
}

export async function openCriSession(options: CriOptions, context: OpenContext): Promise<Session<CriEnv>> {
  validateCriOptions(options); // the CLI already did; a programmatic caller gets the same errors
  const embedded = !options.runtimeEndpoint;
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
  };
  try {
    let images: TestImageRefs;
    const warnings: string[] = [];
    if (options.testImages) images = readTestImagesFile(options.testImages);
    else {
      const served: TestImageRegistry = await startTestImageRegistry();
      closers.push(() => served.close());
      images = served.images;
      if (!served.hasBusybox && !embedded) warnings.push('no busybox binary found (install busybox-static): the test images hold no executables, so containers of a real runtime cannot start');
      context.log.debug(`cri test images served at ${served.registry.host}`);
    }

    let reference: RunningReferenceRuntime | undefined;
    let runtimeEndpoint = options.runtimeEndpoint;
    if (embedded) {
      reference = await startReferenceRuntime({ endpoint: `unix://${join(context.workDir, 'cri.sock')}`, faults: options.referenceFault ? [options.referenceFault as CriFault] : [] });
      closers.push(() => reference!.close());
      runtimeEndpoint = reference.address;
    }
    const client = new CriClient({ runtimeEndpoint: runtimeEndpoint!, ...(options.imageEndpoint ? { imageEndpoint: options.imageEndpoint } : {}), callTimeoutMs: options.rpcTimeout });
    closers.push(() => client.close());
    await client.connect(options.connectTimeout);
    const unreachable = (what: string) => (error: unknown) => {
      throw new TargetUnreachableError(client.runtimeEndpoint, `${what} failed at ${client.runtimeEndpoint}: ${(error as Error).message}`, { cause: error });
    };
    const version = await client.runtime<VersionResponse>('Version', { version: 'v1' }, context.signal, options.connectTimeout).catch(unreachable('Version'));
    const status = await client.runtime<StatusResponse>('Status', { verbose: false }, context.signal, options.connectTimeout).catch(unreachable('Status'));
    const handlers = status.runtimeHandlers.map((h) => h.name);
    // Runtimes older than the runtime_handlers field list none; trust the flag then.
    const handlerKnown = options.runtimeHandler === '' || handlers.length === 0 || handlers.includes(options.runtimeHandler);
    // The handler the run uses ('' is the default one) must itself say it supports user namespaces.
    const userNamespaces = status.runtimeHandlers.some((h) => h.name === options.runtimeHandler && h.features?.userNamespaces === true);
    const nodeLocal = embedded || parseEndpoint(client.runtimeEndpoint, '--runtime-endpoint').socketPath !== undefined;
    const runLabel = { [RUN_LABEL]: context.runId };
    const env: CriEnv = { client, images, runtimeHandler: options.runtimeHandler, workDir: context.workDir, runLabel, version, status, embedded };
    return {
      env,
      capabilities: capabilitiesOf(images, nodeLocal, handlerKnown, embedded || options.hostPorts, userNamespaces),
      warnings,
      implementation: {
        name: version.runtimeName,
        version: version.runtimeVersion,
        endpoint: embedded ? 'embedded reference' : client.runtimeEndpoint,
        embeddedReference: embedded,
        details: { runtimeApiVersion: version.runtimeApiVersion, ...(options.referenceFault ? { fault: options.referenceFault } : {}) },
      },
      async leakCheck(signal) {
        const pods = await client.runtime<{ items: PodSandbox[] }>('ListPodSandbox', { filter: { labelSelector: runLabel } }, signal);
        const containers = await client.runtime<{ containers: Container[] }>('ListContainers', { filter: { labelSelector: runLabel } }, signal);
        return [...pods.items.map((p) => `pod sandbox ${p.metadata.name} (${p.id})`), ...containers.containers.map((c) => `container ${c.metadata.name} (${c.id})`)];
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
