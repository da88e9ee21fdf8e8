// Reads --test-images FILE: the references of test images already present in (or pullable
// by) the runtime, for targets that cannot reach the harness's loopback registry.
import { readFileSync } from 'node:fs';
import { parseYaml as parse } from '../../core/yaml.js';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import type { TestImageRefs } from '../../registry/test-image-set.js';

const reference = z.string().min(1).regex(/^[^\s]+$/, 'an image reference has no spaces');

export const testImagesSchema = z
  .object({
    busybox: reference,
    busyboxDigest: reference.regex(/@sha256:[0-9a-f]{64}$/, 'must reference a digest: name@sha256:<64 hex>').optional(),
    busyboxAlias: reference.optional(),
    userImage: reference.optional(),
    pause: reference.optional(),
    scratchRepository: reference.optional(),
  })
  .strict();

export function readTestImagesFile(path: string): TestImageRefs {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`--test-images ${path}: cannot read YAML: ${(error as Error).message}`, { field: '--test-images', cause: error });
  }
  const parsed = testImagesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(file)';
    throw new ConfigError(`--test-images ${path}: ${field}: ${issue.message}`, { field: `--test-images:${field}` });
  }
  return parsed.data;
}
