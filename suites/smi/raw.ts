// GET of any API path with the run's credentials: the metrics API and discovery documents have
// no typed client in @kubernetes/client-node.
import { request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { raceSignal } from '../../src/core/deadline.js';

export async function getJson<T>(kc: KubeConfig, path: string, signal: AbortSignal): Promise<{ status: number; body: T }> {
  const url = new URL(path, kc.getCurrentCluster()!.server);
  const options: Parameters<typeof request>[1] = { method: 'GET', headers: { accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  const answer = new Promise<{ status: number; body: T }>((resolve, reject) => {
    const req = request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T });
        } catch (error) {
          reject(new Error(`GET ${path} answered ${res.statusCode} with non-JSON: ${text.slice(0, 200)}`, { cause: error }));
        }
      });
    });
    req.once('error', reject);
    req.end();
  });
  return raceSignal(answer, signal, `GET ${path}`);
}
