// Entry point of a resident worker (bundled into dist/cni-ref/worker-boot.cjs): loads the worker
// bundle named by its first argument (dist/cni-ref/worker.cjs) with a code cache of its own.
import { launch } from './launch.js';

launch(process.argv[2] ?? '', 'worker');
