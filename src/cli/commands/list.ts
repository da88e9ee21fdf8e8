import { Option, type Command } from 'commander';
import { buildCatalog, makeSelector } from '../../core/catalog.js';
import { UsageError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { requirePlugin } from '../plugin-argument.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export function register(program: Command, cli: CliContext): void {
  program
    .command('list')
    .argument('<interface>', 'the interface whose catalog to print')
    .description('print the test catalog: id, title, conformance profile and support level, spec reference, required capabilities, tags')
    .addOption(new Option('-o, --output <format>', 'text or json').default('text'))
    .addOption(new Option('--focus <regex>', 'only tests whose full name or id matches (repeatable)').argParser(collect))
    .addOption(new Option('--skip <regex>', 'leave out tests whose full name or id matches (repeatable)').argParser(collect))
    .option('--label-filter <expr>', 'select by tags, e.g. "Conformance && !Feature:Snapshots"')
    .action(async (name: string, options: { output: string; focus?: string[]; skip?: string[]; labelFilter?: string }) => {
      if (options.output !== 'text' && options.output !== 'json') throw new UsageError(`--output "${options.output}" must be text or json`, { field: '--output' });
      const plugin = await requirePlugin(cli, name);
      const select = makeSelector({ focus: options.focus ?? [], skip: options.skip ?? [], labelFilter: options.labelFilter });
      const entries = buildCatalog(plugin.name, await plugin.loadTests(), plugin.profiles, plugin.sig).filter((entry) => select(entry).run);
      const rows = entries.map(({ test, name: fullName, tags, conformanceProfile }) => ({
        id: test.id,
        name: fullName,
        title: test.title,
        spec: test.spec,
        /** Support level inside the conformance profile: core (mandatory) or extended (a named feature). */
        profile: test.profile,
        conformanceProfile: conformanceProfile ?? '',
        tags,
        requires: test.requires ?? [],
        requiresAny: test.requiresAny ?? [],
        serial: test.serial ?? false,
        sharedState: { changes: test.sharedState?.changes ?? [], needsSteady: test.sharedState?.needsSteady ?? [] },
        operations: test.operations ?? [],
      }));
      if (options.output === 'json') {
        cli.stdout.write(`${JSON.stringify({ interface: plugin.name, specVersion: plugin.specVersion, tests: rows }, null, 2)}\n`);
        return;
      }
      for (const row of rows) {
        const requires = [...row.requires, ...(row.requiresAny.length ? [row.requiresAny.join('|')] : [])];
        cli.stdout.write(`${row.id}\n  ${row.title}\n  profile: ${row.conformanceProfile} (${row.profile}); spec: ${row.spec.section} — ${row.spec.rule}\n`);
        cli.stdout.write(`  tags: ${row.tags.join(', ') || '-'}; requires: ${requires.join(', ') || '-'}${row.serial ? '; serial' : ''}${sharedStateText(row.sharedState)}\n`);
      }
      cli.stdout.write(`${rows.length} tests (${plugin.name}, spec ${plugin.specVersion})\n`);
    });
}

function sharedStateText(state: { changes: readonly string[]; needsSteady: readonly string[] }): string {
  return `${state.changes.length ? `; changes: ${state.changes.join(', ')}` : ''}${state.needsSteady.length ? `; needs steady: ${state.needsSteady.join(', ')}` : ''}`;
}
