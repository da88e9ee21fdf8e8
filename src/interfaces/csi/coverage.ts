// The CSI part of docs/coverage/csi.md (written by `npm run docs` with the tables every interface
// gets): every CSI v1.12.0 RPC in spec order, how many tests exercise it (an RPC no test calls is
// listed too) and the error codes the tests of that RPC assert.
import type { TestDefinition } from '../../core/test.js';
import { CSI_RPCS } from './client.js';

const GRPC_CODES = /\b(INVALID_ARGUMENT|NOT_FOUND|ALREADY_EXISTS|PERMISSION_DENIED|RESOURCE_EXHAUSTED|FAILED_PRECONDITION|ABORTED|OUT_OF_RANGE|UNIMPLEMENTED|UNAUTHENTICATED)\b/g;

/** Markdown lines of the "RPCs of the spec" section. */
export function csiRpcSection(tests: readonly TestDefinition<any>[]): string[] {
  const all = Object.values(CSI_RPCS).flat();
  const exercising = (rpc: string) => tests.filter((t) => t.operations?.includes(rpc)).length;
  const covered = all.filter((rpc) => exercising(rpc) > 0).length;
  const lines = [
    '## RPCs of the spec',
    '',
    `${covered}/${all.length} RPCs exercised. Error codes are those named in the rules of the tests whose first operation (or spec section) is the RPC.`,
    '',
    '| service | RPC | tests | error codes asserted |',
    '|---|---|---|---|',
  ];
  for (const [service, rpcs] of Object.entries(CSI_RPCS)) {
    for (const rpc of rpcs) {
      const primary = tests.filter((t) => t.operations?.[0] === rpc || t.spec.section === rpc);
      const codes = [...new Set(primary.flatMap((t) => t.spec.rule.match(GRPC_CODES) ?? []))].sort();
      const count = exercising(rpc);
      lines.push(`| ${service} | ${rpc} | ${count === 0 ? '**no test**' : count} | ${codes.join(', ') || '—'} |`);
    }
  }
  return lines;
}
