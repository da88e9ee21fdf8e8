// Shared helpers for the reference driver's unit tests.
import { expect } from 'vitest';
import { status } from '@grpc/grpc-js';
import { createCsiDriver, type CsiDriver } from '../../../src/reference/csi/driver.js';
import type { CsiReferenceOptions } from '../../../src/reference/csi/options.js';

export { status };

export type Mode =
  | 'SINGLE_NODE_WRITER'
  | 'SINGLE_NODE_READER_ONLY'
  | 'MULTI_NODE_READER_ONLY'
  | 'MULTI_NODE_SINGLE_WRITER'
  | 'MULTI_NODE_MULTI_WRITER'
  | 'SINGLE_NODE_SINGLE_WRITER'
  | 'SINGLE_NODE_MULTI_WRITER';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export function mountCap(mode: Mode = 'SINGLE_NODE_WRITER') {
  return { mount: { fsType: 'ext4' }, accessMode: { mode } };
}

export function blockCap(mode: Mode = 'SINGLE_NODE_WRITER') {
  return { block: {}, accessMode: { mode } };
}

export function driver(options: CsiReferenceOptions = {}): CsiDriver {
  return createCsiDriver(options);
}

/** Awaits a call that must fail with the given gRPC code; returns the error message. */
export async function expectCode(call: Promise<unknown>, code: status): Promise<string> {
  try {
    await call;
  } catch (error) {
    expect((error as { code?: number }).code, (error as Error).message).toBe(code);
    return (error as Error).message;
  }
  throw new Error(`expected ${status[code]}, the call succeeded`);
}

export async function createVolume(d: CsiDriver, name: string, extra: Record<string, unknown> = {}) {
  const response = await d.CreateVolume({ name, volumeCapabilities: [mountCap()], capacityRange: { requiredBytes: 10 * MiB }, ...extra });
  return response.volume!;
}
