// The product file a vendor passes to `conformal certify --product product.yaml`: who made the
// implementation and which version is certified. Unknown keys are rejected so a misspelt field
// ("organisation") is reported instead of silently missing from the submission.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../src/core/errors.js';
import { validate } from '../../src/core/settings.js';

const text = z.string().trim().min(1, 'must not be empty');
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const email = z.email({ error: 'must be an email address' });

export const productSchema = z
  .object({
    organization: text,
    project: text,
    url,
    version: text,
    /** Who answers questions about this submission: email addresses (a single string is accepted). */
    contact: z.union([email.transform((e) => [e]), z.array(email).min(1, 'needs at least one address')]),
    description: text.optional(),
    documentationUrl: url.optional(),
  })
  .strict();

export type Product = z.output<typeof productSchema>;

export async function readProductFile(path: string): Promise<{ product: Product; text: string }> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`--product ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { field: '--product', cause: error });
  }
  let data: unknown;
  try {
    data = parse(raw);
  } catch (error) {
    throw new ConfigError(`--product ${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`, { field: '--product', cause: error });
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`--product ${path}: the top level must be a mapping (organization, project, url, version, contact)`, { field: '--product' });
  return { product: validate(productSchema, data, { flags: {}, configPrefix: '', configFile: path }), text: raw };
}
