// Failure details travel in bundles to vendors and testgrid: their stack traces keep the frames that
// help (the test, the kit, the entry into the client library) with package-relative paths only.
import { describe, expect, it } from 'vitest';
import { describeError, vendorStack } from '../../src/core/describe-error.js';
import { ConformanceError } from '../../src/core/errors.js';
import { packageRoot } from '../../src/core/paths.js';

const root = '/home/ci/conformal';
const grpcStack = [
  'Error: 6 ALREADY_EXISTS: volume exists',
  '    at callErrorFromStatus (/home/ci/conformal/node_modules/@grpc/grpc-js/build/src/call.js:32:19)',
  '    at Object.onReceiveStatus (/home/ci/conformal/node_modules/@grpc/grpc-js/build/src/client.js:193:76)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  'for call at',
  '    at ServiceClientImpl.makeUnaryRequest (/usr/lib/node_modules/@grpc/grpc-js/build/src/client.js:161:32)',
  '    at ServiceClientImpl.<anonymous> (/usr/lib/node_modules/@grpc/grpc-js/build/src/make-client.js:105:19)',
  '    at unary (file:///home/ci/conformal/dist/src/transport/grpc.js:99:24)',
  '    at Object.run (/home/ci/conformal/dist/suites/csi/controller/create-volume.js:40:11)',
  '    at async Promise.all (index 0)',
  '    at /tmp/vendor-hook.js:3:1',
].join('\n');

describe('vendorStack', () => {
  it('keeps the test, the kit and the entry into the client, relative to the package; drops runtime and library internals', () => {
    expect(vendorStack(grpcStack, root)).toBe([
      'Error: 6 ALREADY_EXISTS: volume exists',
      'for call at',
      '    at ServiceClientImpl.<anonymous> (node_modules/@grpc/grpc-js/build/src/make-client.js:105:19)',
      '    at unary (dist/src/transport/grpc.js:99:24)',
      '    at Object.run (dist/suites/csi/controller/create-volume.js:40:11)',
      '    at async Promise.all (index 0)',
      '    at …/vendor-hook.js:3:1',
    ].join('\n'));
  });

  it('leaves no absolute path of the machine in the detail of a real failure, and keeps the test frame', () => {
    const failure = (() => {
      try {
        throw new ConformanceError('CreateVolume repeated: returned another volume', { cause: new Error('upstream') });
      } catch (error) {
        return describeError(error);
      }
    })();
    expect(failure.detail).not.toContain(packageRoot());
    expect(failure.detail).not.toMatch(/node:internal|\(\/|file:\/\//);
    expect(failure.detail).toMatch(/^ConformanceError: CreateVolume repeated: returned another volume\n\s+at (.* \()?test\/core\/describe-error\.test\.ts:\d+:\d+/);
    expect(failure.detail).toMatch(/\nCaused by: Error: upstream\n\s+at .*test\/core\/describe-error\.test\.ts/);
  });
});
