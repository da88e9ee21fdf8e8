// Validates our converted report against marge's own types (bin/types.js, tcomb) with
// tcomb-validation, exactly as marge's CLI does; create() itself checks nothing. Both are resolved
// from marge's package, whose dependencies they are, so the validator always matches the renderer.
// conformal's tests run it over every kind of result the converter meets (test/reporters/html).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

interface TcombValidation {
  validate(value: unknown, type: unknown): { isValid(): boolean; errors: { message: string }[] };
}

const requireHere = createRequire(import.meta.url);
const margeRoot = dirname(requireHere.resolve('mochawesome-report-generator/package.json'));
const requireFromMarge = createRequire(`${margeRoot}/package.json`);

export function mochawesomeErrors(report: unknown): string[] {
  const { validate } = requireFromMarge('tcomb-validation') as TcombValidation;
  const { TestReport } = requireFromMarge('./bin/types.js') as { TestReport: unknown };
  return validate(report, TestReport).errors.map((error) => error.message);
}
