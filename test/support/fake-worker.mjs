// A worker thread for test/core/worker-service.test.ts that misbehaves as workerData.options.behaviour says.
import { parentPort, workerData } from 'node:worker_threads';

const { behaviour } = workerData.options;
if (behaviour === 'throws-at-start') throw new Error('cannot load the service');
if (behaviour === 'ends-before-ready') process.exit(7);
if (behaviour === 'fails-to-start') parentPort.postMessage({ type: 'failed', message: 'listen EADDRINUSE' });
else parentPort.postMessage({ type: 'ready', value: { url: 'https://127.0.0.1:1' } });
if (behaviour === 'throws-after-ready') setTimeout(() => { throw new Error('the service broke'); }, 50);
if (behaviour === 'never-closes') setInterval(() => undefined, 1000);
