// GetContainerEvents: the stream the kubelet's evented PLEG reads (optional in the CRI).
import { defineTest } from '../../src/core/test.js';
import type { CriEnv } from '../../src/interfaces/cri/env.js';
import { check, rt, runContainer, runPod, stopContainer } from '../../src/interfaces/cri/kit.js';
import type { ContainerEventResponse, ContainerEventType } from '../../src/interfaces/cri/types.js';
import { grpc } from '../../src/transport/grpc.js';
import { spec } from './spec.js';

export const eventTests = [
  defineTest<CriEnv>({
    id: 'cri.events.lifecycle',
    title: 'GetContainerEvents streams created, started, stopped and deleted events',
    spec: spec('RuntimeService.GetContainerEvents', 'a stream of container lifecycle events'),
    profile: 'extended',
    tags: ['Feature:EventedPLEG'],
    operations: ['GetContainerEvents'],
    async run(ctx) {
      const stream = ctx.env.client.containerEvents();
      const events: ContainerEventResponse[] = [];
      let streamError: grpc.ServiceError | undefined;
      stream.on('data', (event: ContainerEventResponse) => events.push(event));
      stream.on('error', (error: grpc.ServiceError) => (streamError = error));
      try {
        const pod = await runPod(ctx);
        // Give the runtime a moment to answer UNIMPLEMENTED before creating anything.
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (streamError?.code === grpc.status.UNIMPLEMENTED) ctx.notSupported(`GetContainerEvents answered UNIMPLEMENTED: ${streamError.message}`);
        const container = await runContainer(ctx, pod);
        await stopContainer(ctx, container.id);
        await rt(ctx, 'RemoveContainer', { containerId: container.id });
        const wanted: ContainerEventType[] = ['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT', 'CONTAINER_DELETED_EVENT'];
        const deadline = Date.now() + 5_000;
        const seen = () => new Set(events.filter((e) => e.containerId === container.id).map((e) => e.containerEventType));
        while (Date.now() < deadline && !wanted.every((t) => seen().has(t))) {
          if (streamError?.code === grpc.status.UNIMPLEMENTED) ctx.notSupported(`GetContainerEvents answered UNIMPLEMENTED: ${streamError.message}`);
          check(!streamError, `GetContainerEvents failed: ${streamError?.message}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const missing = wanted.filter((t) => !seen().has(t));
        check(missing.length === 0, `GetContainerEvents sent no ${missing.join(', ')} for container ${container.id}`);
        const created = events.find((e) => e.containerId === container.id && e.containerEventType === 'CONTAINER_CREATED_EVENT');
        check(created && created.createdAt > 0, 'the created event has no created_at');
      } finally {
        stream.cancel();
      }
    },
  }),
];
