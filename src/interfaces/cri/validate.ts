// What the CRI options alone can tell, checked before a run writes or starts anything: endpoint
// syntax, flags that only apply to the embedded reference, the --test-images file.
import { UsageError } from '../../core/errors.js';
import { parseEndpoint } from '../../transport/grpc.js';
import type { CriOptions } from './options.js';
import { readTestImagesFile } from './test-images-file.js';

export function validateCriOptions(options: CriOptions): void {
  const embedded = !options.runtimeEndpoint;
  if (!embedded && options.referenceFault) throw new UsageError('--reference-fault applies only to the embedded reference (no --runtime-endpoint)', { field: '--reference-fault' });
  if (embedded && options.imageEndpoint) throw new UsageError('--image-endpoint needs --runtime-endpoint as well', { field: '--image-endpoint' });
  if (options.runtimeEndpoint) parseEndpoint(options.runtimeEndpoint, '--runtime-endpoint');
  if (options.imageEndpoint) parseEndpoint(options.imageEndpoint, '--image-endpoint');
  if (options.testImages) readTestImagesFile(options.testImages); // ConfigError naming the file's bad field
}
