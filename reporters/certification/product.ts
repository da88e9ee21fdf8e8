// The product file a vendor passes to `conformal certify --product product.yaml`: who made the
// implementation and which version is certified. Unknown keys are rejected so a misspelt field
// ("organisation") is reported instead of silently missing from the submission.
import { z } from 'zod';
import { readYamlMapping, validate } from '../../src/core/settings.js';

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
  const { data, text } = readYamlMapping(path, '--product', 'a mapping (organization, project, url, version, contact)');
  return { product: validate(productSchema, data, { flags: {}, configPrefix: '', configFile: path }), text };
}
