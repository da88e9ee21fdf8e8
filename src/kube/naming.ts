// Object names: validation (RFC 1123) and generateName suffixes.
import { randomInt } from 'node:crypto';
import { dns1123Label, dns1123Subdomain, invalidField } from './field-rules.js';
import type { FieldError } from './status.js';

/** Namespaces are named as DNS labels, everything else as DNS subdomains. */
export function validateName(name: string, label: boolean): FieldError[] {
  return (label ? dns1123Label(name) : dns1123Subdomain(name)).map((msg) => invalidField('metadata.name', name, msg));
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName + 5 characters from the alphabet apimachinery uses (no vowels, no ambiguous digits). */
export function generateName(base: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `${base.slice(0, 58)}${suffix}`;
}
