// Failure messages of the CNI suite name the rule and what the plugin did, not a raw JavaScript
// error: a successful ADD printing non-JSON, an error code sent as a string.
import { describe, expect, it } from 'vitest';
import { escapeRegex, referenceBuilt, runCni } from './run-cni.js';

async function failureOf(fault: string, testId: string): Promise<string> {
  const run = await runCni({ referenceFault: fault, simulatedNetns: true }, { focus: [`^${escapeRegex(testId)}$`] });
  const result = run.results.find((r) => r.id === testId)!;
  expect(result.status).toBe('failed');
  return result.attempts.at(-1)!.error!.message;
}

describe.runIf(referenceBuilt())('CNI failure messages', { timeout: 120_000 }, () => {
  it('a successful ADD that prints non-JSON: "stdout is not JSON" with its first bytes and the rule', async () => {
    const message = await failureOf('add-prints-non-json', 'cni.add.result-valid');
    expect(message).toContain('conformal-ref ADD exited 0 but stdout is not JSON: "added eth0\\n"');
    expect(message).toContain('SPEC.md "Success"');
    expect(message).not.toMatch(/Cannot read properties|TypeError/);
  });

  it('an error code sent as a string: "error code must be an integer"', async () => {
    const message = await failureOf('error-code-as-string', 'cni.env.missing-required');
    expect(message).toMatch(/error code must be an integer, got "\d+"/);
    expect(message).toContain('SPEC.md "Error"');
    expect(message).not.toContain('no error object on stdout');
  });
});
