// Error classes with stable machine codes. Every class keeps the original error as `cause`
// so the chain survives into logs and reports.

export type ErrorCode =
  | 'CONFORMAL_USAGE' // bad flag or config value: exit 2
  | 'CONFORMAL_CONFIG' // config file unreadable or invalid: exit 2
  | 'CONFORMAL_UNREACHABLE' // target endpoint cannot be reached: exit 3
  | 'CONFORMAL_HARNESS' // the harness itself failed: exit 3
  | 'CONFORMAL_TIMEOUT' // a deadline expired
  | 'CONFORMAL_ASSERTION' // a conformance expectation did not hold
  | 'CONFORMAL_CLEANUP' // a ledger entry could not be removed
  | 'CONFORMAL_NOT_SUPPORTED'; // the target does not implement an optional feature

export class ConformalError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** A flag or config field holds a bad value. `field` names it (`--parallel`, `csi.testVolumeSize`). */
export class UsageError extends ConformalError {
  readonly field: string | undefined;
  constructor(message: string, options?: { field?: string; cause?: unknown }) {
    super('CONFORMAL_USAGE', message, options);
    this.field = options?.field;
  }
}

export class ConfigError extends ConformalError {
  readonly field: string | undefined;
  constructor(message: string, options?: { field?: string; cause?: unknown }) {
    super('CONFORMAL_CONFIG', message, options);
    this.field = options?.field;
  }
}

/** The implementation under test cannot be reached at all (socket missing, connection refused, not READY in time). */
export class TargetUnreachableError extends ConformalError {
  readonly endpoint: string;
  constructor(endpoint: string, message: string, options?: { cause?: unknown }) {
    super('CONFORMAL_UNREACHABLE', message, options);
    this.endpoint = endpoint;
  }
}

export class HarnessError extends ConformalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFORMAL_HARNESS', message, options);
  }
}

export class DeadlineError extends ConformalError {
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number, options?: { cause?: unknown }) {
    super('CONFORMAL_TIMEOUT', `${what} did not finish within ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** A conformance expectation failed. `summary` is the short key point (it leads the JUnit failure message). */
export class ConformanceError extends ConformalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFORMAL_ASSERTION', message, options);
  }
}

export class CleanupError extends ConformalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFORMAL_CLEANUP', message, options);
  }
}

/**
 * Thrown from a test body (through `ctx.notSupported`) when the target answers that an optional
 * feature is not implemented (e.g. gRPC UNIMPLEMENTED for an optional CRI RPC). The runner records
 * the test as skipped "not supported" with the reason, never as failed.
 */
export class NotSupportedError extends ConformalError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('CONFORMAL_NOT_SUPPORTED', reason, options);
  }
}

/** Exit codes of the CLI; documented in README.md. */
export const ExitCode = {
  Passed: 0,
  TestsFailed: 1,
  Usage: 2,
  Harness: 3,
} as const;

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError) return ExitCode.Usage;
  return ExitCode.Harness;
}
