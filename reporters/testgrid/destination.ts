// Where `conformal upload` puts a build: a GCS prefix (gs://bucket/logs/<job>) or a local folder
// (file:///srv/logs/<job>, what testgrid's updater also reads). Both take paths relative to the job.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Storage } from '@google-cloud/storage';
import { UsageError } from '../../src/core/errors.js';

export interface Destination {
  /** Human form of where objects go, for logs: gs://bucket/logs/job or file:///srv/logs/job. */
  readonly url: string;
  put(path: string, content: Buffer, contentType: string): Promise<void>;
  /** The object's text, or undefined when it does not exist. */
  get(path: string): Promise<string | undefined>;
}

export interface GcsOptions {
  /** Storage API endpoint, e.g. http://127.0.0.1:4443 for fake-gcs-server; default is Google's. */
  readonly apiEndpoint?: string;
  readonly projectId?: string;
  readonly keyFilename?: string;
  /** Retries of a failed request (default 3); every request is also bounded by `timeoutMs`. */
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
}

export function parseDestination(url: string, gcs: GcsOptions = {}): Destination {
  if (url.startsWith('gs://')) {
    const [bucket, ...rest] = url.slice('gs://'.length).split('/').filter((part) => part !== '');
    if (!bucket || rest.length === 0) {
      throw new UsageError(`--to ${url}: expected gs://<bucket>/<path>/<job>, e.g. gs://my-bucket/logs/csi-nightly`, { field: '--to' });
    }
    return gcsDestination(bucket, rest.join('/'), gcs);
  }
  if (url.startsWith('file://')) {
    let dir: string;
    try {
      dir = fileURLToPath(url);
    } catch (error) {
      throw new UsageError(`--to ${url}: not a valid file URL (use file:///absolute/path/<job>)`, { field: '--to', cause: error });
    }
    return fileDestination(dir);
  }
  throw new UsageError(`--to ${url}: expected a gs:// or file:// URL`, { field: '--to' });
}

export function fileDestination(jobDir: string): Destination {
  return {
    url: `file://${jobDir}`,
    async put(path, content) {
      const target = join(jobDir, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    },
    async get(path) {
      try {
        return await readFile(join(jobDir, path), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

export function gcsDestination(bucketName: string, prefix: string, options: GcsOptions): Destination {
  const storage = new Storage({
    ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    ...(options.projectId ? { projectId: options.projectId } : {}),
    ...(options.keyFilename ? { keyFilename: options.keyFilename } : {}),
    // Bounded retries and timeouts: a dead endpoint fails the upload instead of hanging it.
    retryOptions: { autoRetry: (options.maxRetries ?? 3) > 0, maxRetries: options.maxRetries ?? 3, totalTimeout: 120, maxRetryDelay: 8 },
    timeout: options.timeoutMs ?? 30_000,
  });
  const bucket = storage.bucket(bucketName);
  const object = (path: string) => bucket.file(`${prefix}/${path}`);
  return {
    url: `gs://${bucketName}/${prefix}`,
    async put(path, content, contentType) {
      // Build files are small: a single-request upload, no resumable session to clean up.
      await object(path).save(content, { resumable: false, contentType, metadata: { cacheControl: 'no-cache' } });
    },
    async get(path) {
      try {
        const [content] = await object(path).download();
        return content.toString('utf8');
      } catch (error) {
        if ((error as { code?: unknown }).code === 404) return undefined;
        throw error;
      }
    },
  };
}
