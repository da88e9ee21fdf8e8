// Where the rules the CRI suite checks are written.
import type { SpecReference } from '../../src/core/test.js';

export const CRI_API_URL = 'https://github.com/kubernetes/cri-api/blob/master/pkg/apis/runtime/v1/api.proto';

export function spec(section: string, rule: string): SpecReference {
  return { section, rule, url: CRI_API_URL };
}
