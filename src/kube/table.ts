// meta.k8s.io/v1 Table responses: what `kubectl get` asks for and prints.
import { evaluateJsonPath } from './jsonpath.js';
import type { KubeObject, PrinterColumn } from './types.js';

export const TABLE_MEDIA = /(^|,)\s*application\/json;[^,]*as=Table/;

/** apimachinery's duration.HumanDuration, as kubectl prints ages. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y${d % 365}d`;
}

function cell(obj: KubeObject, column: PrinterColumn, now: number): unknown {
  let value: unknown;
  if (column.cell) return column.cell(obj) ?? null; // computed cells are final (the CRD's "Created At" stays a timestamp)
  if (column.jsonPath) {
    const matches = evaluateJsonPath(obj, column.jsonPath);
    value = matches.length === 0 ? null : matches.length === 1 ? matches[0] : matches.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
  }
  if (value === null || value === undefined) return null;
  if (column.type === 'date') return typeof value === 'string' ? humanDuration(now - Date.parse(value)) : null;
  if (column.type === 'integer') return typeof value === 'number' ? Math.trunc(value) : null;
  if (column.type === 'number') return typeof value === 'number' ? value : null;
  if (column.type === 'boolean') return typeof value === 'boolean' ? value : null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const NAME: PrinterColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names' };

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(
  objects: KubeObject[],
  columns: PrinterColumn[],
  listMeta: Record<string, unknown>,
  include: IncludeObject,
  nameColumn = true,
): Record<string, unknown> {
  const now = Date.now();
  const all: PrinterColumn[] = [...(nameColumn ? [NAME] : []), ...columns];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: all.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    rows: objects.map((obj) => {
      const row: Record<string, unknown> = { cells: all.map((c) => (c.format === 'name' ? obj.metadata.name : cell(obj, c, now))) };
      if (include === 'Object') row.object = obj;
      else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
      return row;
    }),
  };
}
