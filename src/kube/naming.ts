// Object names: validation (RFC 1123) and generateName suffixes.
import { randomInt } from 'node:crypto';
import type { FieldError } from './status.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validateName(name: string, label: boolean): FieldError[] {
  if (label) {
    if (name.length > 63) return [{ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail: 'must be no more than 63 characters' }];
    if (!LABEL.test(name)) {
      return [{ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')" }];
    }
    return [];
  }
  if (name.length > 253) return [{ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail: 'must be no more than 253 characters' }];
  if (!SUBDOMAIN.test(name)) {
    return [{ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')" }];
  }
  return [];
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName + 5 characters from the alphabet apimachinery uses (no vowels, no ambiguous digits). */
export function generateName(base: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `${base.slice(0, 58)}${suffix}`;
}
