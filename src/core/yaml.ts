// YAML parsing for config and option files, loaded on first use: most runs read no YAML, and
// the yaml package costs ~15 ms of startup. createRequire keeps the callers synchronous.
import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');

let yaml: YamlModule | undefined;

/** Parses one YAML document (the yaml package's parse). */
export function parseYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yaml.parse(text);
}
