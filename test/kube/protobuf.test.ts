// The protobuf envelope's error paths; decoding itself is proven against kube-apiserver with
// kubectl's own encoder in kubectl.test.ts.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeProtobufObject } from '../../src/kube/protobuf.js';
import { KubeApiError } from '../../src/kube/status.js';

function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const typeMeta = protobuf.Writer.create().uint32((1 << 3) | 2).string(apiVersion).uint32((2 << 3) | 2).string(kind).finish();
  const unknown = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(typeMeta).uint32((2 << 3) | 2).bytes(raw).finish();
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

function failure(fn: () => unknown): KubeApiError {
  try {
    fn();
  } catch (error) {
    return error as KubeApiError;
  }
  throw new Error('expected a failure');
}

describe('protobuf request bodies', () => {
  it('decodes a ConfigMap written field by field', () => {
    const meta = protobuf.Writer.create().uint32((1 << 3) | 2).string('cm').finish();
    const entry = protobuf.Writer.create().uint32((1 << 3) | 2).string('k').uint32((2 << 3) | 2).string('v').finish();
    const raw = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(meta).uint32((2 << 3) | 2).bytes(entry).finish();
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw), 'application/vnd.kubernetes.protobuf')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: 'v' } });
  });

  it('answers 415 for kinds it does not decode and 400 for a body without the envelope', () => {
    expect(failure(() => decodeProtobufObject(envelope('batch/v1', 'Job', new Uint8Array()), 'application/vnd.kubernetes.protobuf')).code).toBe(415);
    expect(failure(() => decodeProtobufObject(Buffer.from('{"kind":"ConfigMap"}'), 'application/vnd.kubernetes.protobuf')).code).toBe(400);
    expect(failure(() => decodeProtobufObject(Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, 0xff])]), 'application/vnd.kubernetes.protobuf')).code).toBe(400);
  });
});
