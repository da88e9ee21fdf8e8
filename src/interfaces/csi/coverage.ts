// docs/csi/coverage.md, generated from the suite's catalog (`npm run docs:csi` after a build):
// every CSI v1.12.0 RPC in spec order with the tests that exercise it, the capabilities that gate
// them and the error codes they assert; then every capability with the tests requiring it.
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { packagePath } from '../../core/paths.js';
import type { TestDefinition } from '../../core/test.js';
import { capabilityCatalog } from './capabilities.js';
import { CSI_RPCS } from './client.js';

const GRPC_CODES = /\b(INVALID_ARGUMENT|NOT_FOUND|ALREADY_EXISTS|PERMISSION_DENIED|RESOURCE_EXHAUSTED|FAILED_PRECONDITION|ABORTED|OUT_OF_RANGE|UNIMPLEMENTED|UNAUTHENTICATED)\b/g;
const ids = (tests: readonly TestDefinition<any>[]) => tests.map((t) => `\`${t.id}\``).join('<br>');
const requirementOf = (t: TestDefinition<any>) => [...(t.requires ?? []), ...(t.requiresAny?.length ? [t.requiresAny.join(' or ')] : [])].join(', ') || '(none)';

export function csiCoverageMarkdown(tests: readonly TestDefinition<any>[], specVersion: string): string {
  const all = Object.values(CSI_RPCS).flat();
  const exercising = (rpc: string) => tests.filter((t) => t.operations?.includes(rpc));
  const covered = all.filter((rpc) => exercising(rpc).length > 0).length;
  const core = tests.filter((t) => t.profile === 'core').length;
  const lines = [
    '# CSI conformance coverage',
    '',
    `Generated from the suite catalog by \`npm run docs:csi\` (src/interfaces/csi/coverage.ts); do not edit. CSI spec v${specVersion}.`,
    '',
    `${tests.length} tests (${core} core, ${tests.length - core} extended); ${covered}/${all.length} RPCs exercised; ` +
      `${capabilityCatalog.filter((c) => tests.some((t) => [...(t.requires ?? []), ...(t.requiresAny ?? [])].includes(c.name))).length}/${capabilityCatalog.length} capabilities gate at least one test.`,
    '',
    '## RPCs',
    '',
    '| service | RPC | tests | error codes asserted |',
    '|---|---|---|---|',
  ];
  for (const [service, rpcs] of Object.entries(CSI_RPCS)) {
    for (const rpc of rpcs) {
      const primary = tests.filter((t) => t.operations?.[0] === rpc || t.spec.section === rpc);
      const codes = [...new Set(primary.flatMap((t) => t.spec.rule.match(GRPC_CODES) ?? []))].sort();
      lines.push(`| ${service} | ${rpc} | ${exercising(rpc).length} | ${codes.join(', ') || '—'} |`);
    }
  }
  lines.push('', '## RPC × required capabilities × tests', '', 'A test is listed under every RPC it calls.', '', '| RPC | requires | tests |', '|---|---|---|');
  for (const rpc of all) {
    const groups = new Map<string, TestDefinition<any>[]>();
    for (const t of exercising(rpc)) groups.set(requirementOf(t), [...(groups.get(requirementOf(t)) ?? []), t]);
    if (groups.size === 0) lines.push(`| ${rpc} | — | **no test** |`);
    for (const [requirement, group] of groups) lines.push(`| ${rpc} | ${requirement} | ${ids(group)} |`);
  }
  lines.push('', '## Capabilities', '', '| capability | meaning | tests requiring it |', '|---|---|---|');
  for (const { name, description } of capabilityCatalog) {
    const gated = tests.filter((t) => [...(t.requires ?? []), ...(t.requiresAny ?? [])].includes(name));
    lines.push(`| \`${name}\` | ${description} | ${gated.length === 0 ? '—' : `${gated.length}: ${ids(gated)}`} |`);
  }
  return `${lines.join('\n')}\n`;
}

export const CSI_COVERAGE_DOC = packagePath('docs', 'csi', 'coverage.md');

async function main(): Promise<void> {
  const { csiPlugin } = await import('./plugin.js');
  await writeFile(CSI_COVERAGE_DOC, csiCoverageMarkdown(await csiPlugin.loadTests(), csiPlugin.specVersion));
  process.stdout.write(`wrote ${CSI_COVERAGE_DOC}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
