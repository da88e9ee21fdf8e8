// Turns any thrown value into the report's ErrorInfo: the key point first (short, for the JUnit
// message attribute and testgrid cells), everything else (stack, causes, gRPC details) in `detail`.
import { inspect, stripVTControlCharacters } from 'node:util';
import { ConformalError } from './errors.js';
import type { ErrorInfo } from './results.js';

const GRPC_CODE_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

/** A gRPC ServiceError has a numeric code and a `details` string. */
function isServiceError(error: unknown): error is Error & { code: number; details: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number' && typeof (error as { details?: unknown }).details === 'string';
}

function codeOf(error: unknown): string | undefined {
  if (error instanceof ConformalError) return error.code;
  if (isServiceError(error)) return GRPC_CODE_NAMES[error.code] ?? String(error.code);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function headline(error: unknown): string {
  if (isServiceError(error)) return `unexpected gRPC error ${codeOf(error)}: ${error.details}`;
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

function chain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(depth === 0 ? (current.stack ?? current.message) : `Caused by: ${current.stack ?? current.message}`);
      current = current.cause;
    } else {
      parts.push(`${depth === 0 ? '' : 'Caused by: '}${inspect(current, { depth: 4 })}`);
      current = undefined;
    }
  }
  return parts.join('\n');
}

export function describeError(error: unknown): ErrorInfo {
  const code = codeOf(error);
  const message = stripVTControlCharacters(headline(error));
  const detail = stripVTControlCharacters(chain(error));
  return code === undefined ? { message, detail } : { message, code, detail };
}
