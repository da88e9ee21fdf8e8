import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetUnreachableError, UsageError } from '../../../src/core/errors.js';
import { runUpload } from '../../../src/cli/commands/upload.js';
import { fileDestination, gcsDestination, parseDestination, type Destination } from '../../../reporters/testgrid/destination.js';
import { writeTestgridBuild } from '../../../reporters/testgrid/layout.js';
import { resolveLocalBuild, uploadBuild, uploadOrder } from '../../../reporters/testgrid/upload.js';
import { requireTool } from '../../support/real-tools.js';
import { startFakeGcs, type FakeGcs } from '../support/fake-gcs.js';
import { runConformal } from '../support/run-cli.js';
import { sampleRun } from '../support/sample-run.js';

/** A local job dir with one finished build (id 1763726400) holding a JUnit artifact. */
async function localBuild(id = '1763726400'): Promise<{ job: string; build: string }> {
  const job = join(await mkdtemp(join(tmpdir(), 'tg-up-')), 'csi-nightly');
  const build = join(job, id);
  await mkdir(join(build, 'artifacts'), { recursive: true });
  await writeFile(join(build, 'artifacts', 'junit_01.xml'), '<testsuites/>\n');
  await writeTestgridBuild(sampleRun(), build, 'log line\n');
  return { job, build };
}

/** Records the order of writes on the way to a real destination. */
function recording(inner: Destination): Destination & { readonly writes: string[] } {
  const writes: string[] = [];
  return { url: inner.url, writes, get: (p) => inner.get(p), put: async (p, c, t) => (writes.push(p), inner.put(p, c, t)) };
}

describe('upload order and destinations', () => {
  it('puts started.json first, finished.json last, latest-build.txt after', () => {
    expect(uploadOrder(['finished.json', 'artifacts/junit_01.xml', 'build-log.txt', 'started.json'])).toEqual([
      'started.json', 'artifacts/junit_01.xml', 'build-log.txt', 'finished.json',
    ]);
  });

  it('rejects destinations it cannot use, naming --to', () => {
    for (const bad of ['s3://b/x', 'gs://bucket-only', 'gs://', '/plain/path']) {
      expect(() => parseDestination(bad)).toThrow(UsageError);
      try { parseDestination(bad); } catch (error) { expect((error as UsageError).field).toBe('--to'); }
    }
  });

  it('accepts a job dir (latest-build.txt) or a build dir, and refuses anything else', async () => {
    const { job, build } = await localBuild();
    await expect(resolveLocalBuild(job)).resolves.toEqual({ buildDir: build, buildId: '1763726400' });
    await expect(resolveLocalBuild(build)).resolves.toEqual({ buildDir: build, buildId: '1763726400' });
    const standalone = join(await mkdtemp(join(tmpdir(), 'tg-up-')), 'out');
    await writeTestgridBuild(sampleRun(), standalone, '');
    await expect(resolveLocalBuild(standalone)).resolves.toEqual({ buildDir: standalone, buildId: String(Date.parse('2026-11-21T12:00:00Z') / 1000) });
    await expect(resolveLocalBuild(await mkdtemp(join(tmpdir(), 'tg-up-')))).rejects.toThrow(/neither a build dir/);
    await expect(resolveLocalBuild(build, '12x')).rejects.toThrow(UsageError);
  });

  it('copies a build to a file:// job dir byte for byte and keeps latest-build.txt monotonic', async () => {
    const { build } = await localBuild('200');
    const remote = join(await mkdtemp(join(tmpdir(), 'tg-remote-')), 'logs', 'csi-nightly');
    const lines: string[] = [];
    expect(await runUpload(build, { to: pathToFileURL(remote).href }, (l) => lines.push(l))).toBe(0);
    for (const file of ['started.json', 'finished.json', 'build-log.txt', 'artifacts/junit_01.xml']) {
      expect(await readFile(join(remote, '200', file), 'utf8')).toBe(await readFile(join(build, file), 'utf8'));
    }
    expect(await readFile(join(remote, 'latest-build.txt'), 'utf8')).toBe('200');
    const older = await localBuild('100');
    const report = await uploadBuild({ buildDir: older.build, buildId: '100' }, fileDestination(remote));
    expect(report.latestBuildUpdated).toBe(false);
    expect(await readFile(join(remote, 'latest-build.txt'), 'utf8')).toBe('200');
    expect(lines.at(-1)).toMatch(/^build 200: 5 objects uploaded to file:\/\//);
  });
});

const fakeGcsBinary = requireTool('CONFORMAL_FAKE_GCS');

describe.skipIf(!fakeGcsBinary)('upload to GCS (fake-gcs-server on loopback)', () => {
  let server: FakeGcs;
  let storage: Storage;
  const bucket = 'conformal-testgrid';

  beforeAll(async () => {
    server = await startFakeGcs(fakeGcsBinary!);
    storage = new Storage({ apiEndpoint: server.endpoint, projectId: 'test' });
    await storage.createBucket(bucket);
  });
  afterAll(async () => server?.stop());

  it('uploads every file in testgrid order through @google-cloud/storage', async () => {
    const { job, build } = await localBuild();
    const destination = recording(gcsDestination(bucket, 'logs/csi-nightly', { apiEndpoint: server.endpoint, projectId: 'test' }));
    const report = await uploadBuild(await resolveLocalBuild(job), destination);
    expect(destination.writes).toEqual([
      '1763726400/started.json', '1763726400/artifacts/junit_01.xml', '1763726400/build-log.txt', '1763726400/finished.json', 'latest-build.txt',
    ]);
    expect(report).toMatchObject({ buildId: '1763726400', finished: true, latestBuildUpdated: true });
    const [files] = await storage.bucket(bucket).getFiles({ prefix: 'logs/csi-nightly/' });
    expect(files.map((f) => f.name).sort()).toEqual([
      'logs/csi-nightly/1763726400/artifacts/junit_01.xml', 'logs/csi-nightly/1763726400/build-log.txt',
      'logs/csi-nightly/1763726400/finished.json', 'logs/csi-nightly/1763726400/started.json', 'logs/csi-nightly/latest-build.txt',
    ]);
    const [finished] = await storage.bucket(bucket).file('logs/csi-nightly/1763726400/finished.json').download();
    expect(finished.toString()).toBe(await readFile(join(build, 'finished.json'), 'utf8'));
    const [meta] = await storage.bucket(bucket).file('logs/csi-nightly/1763726400/finished.json').getMetadata();
    expect(meta.contentType).toBe('application/json');
  });

  it('runs as the upload command and never moves latest-build.txt backwards', async () => {
    const newer = await localBuild('1763800000');
    const to = `gs://${bucket}/logs/csi-ordered`;
    expect(await runUpload(newer.job, { to, gcsEndpoint: server.endpoint, project: 'test' }, () => {})).toBe(0);
    const older = await localBuild('1763700000');
    expect(await runUpload(older.build, { to, gcsEndpoint: server.endpoint, project: 'test' }, () => {})).toBe(0);
    const [latest] = await storage.bucket(bucket).file('logs/csi-ordered/latest-build.txt').download();
    expect(latest.toString()).toBe('1763800000');
    const [older_] = await storage.bucket(bucket).file('logs/csi-ordered/1763700000/started.json').exists();
    expect(older_).toBe(true);
  });

  it('works through the real CLI, which exits 3 when the endpoint is dead', async () => {
    const { build } = await localBuild('1763900000');
    const ok = await runConformal(['upload', build, '--to', `gs://${bucket}/logs/cli-job`, '--gcs-endpoint', server.endpoint, '--project', 'test']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`build 1763900000: 5 objects uploaded to gs://${bucket}/logs/cli-job`);
    const [latest] = await storage.bucket(bucket).file('logs/cli-job/latest-build.txt').download();
    expect(latest.toString()).toBe('1763900000');
    const dead = await runConformal(['upload', build, '--to', `gs://${bucket}/logs/cli-job`, '--gcs-endpoint', 'http://127.0.0.1:9', '--project', 'test']);
    expect(dead.code).toBe(3);
    expect(dead.stderr).toContain('upload to gs://');
  }, 120_000);

  it('reports an unreachable endpoint as TargetUnreachableError', async () => {
    const { build } = await localBuild();
    const dead = 'http://127.0.0.1:9'; // discard port: nothing listens there
    await expect(runUpload(build, { to: `gs://${bucket}/logs/x`, gcsEndpoint: dead, project: 'test' }, () => {})).rejects.toBeInstanceOf(TargetUnreachableError);
  }, 60_000);
});
