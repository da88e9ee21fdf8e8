// gRPC status errors the reference driver answers with. The same object works in-process
// (tests read `.code`) and over the wire (grpc-js sends `.code` and `.details`).
import { status } from '@grpc/grpc-js';

export { status };

export class CsiStatusError extends Error {
  readonly code: status;
  readonly details: string;
  /** Trailers sent with the status (the reference sends none; a fault variant may). */
  readonly trailers: Readonly<Record<string, Buffer>>;

  constructor(code: status, message: string, trailers: Readonly<Record<string, Buffer>> = {}) {
    super(message);
    this.code = code;
    this.details = message;
    this.trailers = trailers;
  }

  override get name(): string {
    return `CsiStatusError(${status[this.code]})`;
  }
}

export const fail = (code: status, message: string): never => {
  throw new CsiStatusError(code, message);
};

export const invalidArgument = (message: string): never => fail(status.INVALID_ARGUMENT, message);
export const notFound = (message: string): never => fail(status.NOT_FOUND, message);
export const alreadyExists = (message: string): never => fail(status.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string): never => fail(status.FAILED_PRECONDITION, message);
export const outOfRange = (message: string): never => fail(status.OUT_OF_RANGE, message);
export const resourceExhausted = (message: string): never => fail(status.RESOURCE_EXHAUSTED, message);
export const unimplemented = (message: string): never => fail(status.UNIMPLEMENTED, message);

/** Missing REQUIRED field: INVALID_ARGUMENT naming the field (spec "Error Scheme"). */
export function requireString(value: string | undefined | null, field: string): string {
  if (value === undefined || value === null || value === '') invalidArgument(`${field} is required`);
  return value as string;
}

export function isStatus(error: unknown, code: status): boolean {
  return error instanceof CsiStatusError && error.code === code;
}
