// Turns any thrown value into the report's ErrorInfo: the key point first (short, for the JUnit
// message attribute and testgrid cells), everything else (stack, causes, gRPC details) in `detail`.
import { inspect, stripVTControlCharacters } from 'node:util';
import { bundleOrigin } from './bundle-source-map.js';
import { ConformalError } from './errors.js';
import { packageRoot } from './paths.js';
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

type FrameKind = 'package' | 'library' | 'runtime' | 'other';

const FRAME = /^(\s+at )(?:(.*) \((.+)\)|(.+))$/;

/** Where a frame's code lives, and the location as a vendor may see it (no absolute path of the machine that ran it). */
function placeFrame(location: string, root: string): { kind: FrameKind; location: string } {
  if (location.startsWith('node:') || location === 'native' || location.startsWith('<anonymous>')) return { kind: 'runtime', location };
  const written = location.startsWith('file://') ? decodeURI(location.slice('file://'.length)) : location;
  const path = bundleOrigin(root, written) ?? written;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return { kind: 'library', location: path.slice(modules + 1) };
  if (path.startsWith(`${root}/`)) return { kind: 'package', location: path.slice(root.length + 1) };
  if (path.startsWith('/')) return { kind: 'other', location: `…/${path.slice(path.lastIndexOf('/') + 1)}` };
  return { kind: 'other', location };
}

/** Describing an error must never throw: without a package root, every absolute path is shortened. */
function packageRootOrNone(): string {
  try {
    return packageRoot();
  } catch {
    return '\0';
  }
}

/**
 * A stack trace as a vendor reads it: the frames of conformal's own code (the test, the kit) with
 * paths relative to the package, and of each call into a library only its entry frame (the call
 * the test made, e.g. into the gRPC client); Node's internals and library internals are dropped.
 */
export function vendorStack(stack: string, root = packageRootOrNone()): string {
  const lines = stack.split('\n').map((text) => {
    const match = FRAME.exec(text);
    if (!match) return { kind: 'text' as const, text };
    const [, prefix, fn, inParens, bare] = match;
    const place = placeFrame((inParens ?? bare)!, root);
    return { kind: place.kind, text: `${prefix}${fn ? `${fn} (${place.location})` : place.location}` };
  });
  const kept = lines.filter((line) => line.kind !== 'runtime');
  return kept
    .filter((line, index) => line.kind !== 'library' || kept[index + 1]?.kind === 'package')
    .map((line) => line.text)
    .join('\n');
}

function stackOf(error: Error): string {
  return error.stack ? vendorStack(error.stack) : error.message;
}

function chain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(depth === 0 ? stackOf(current) : `Caused by: ${stackOf(current)}`);
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
