// The JSONPath subset CRD printer columns use: `.a.b`, `.a[0].b`, `.a[*].b` and
// `.a[?(@.type=="Ready")].status`. Returns every match.

type Step = { field: string } | { index: number } | { all: true } | { filter: { path: string[]; value: string } };

function parse(path: string): Step[] {
  const steps: Step[] = [];
  const re = /\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\[\*\]|\[\?\(@\.([A-Za-z0-9_.$-]+)\s*==\s*(?:"([^"]*)"|'([^']*)')\)\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  const text = path.startsWith('{') && path.endsWith('}') ? path.slice(1, -1) : path;
  while ((m = re.exec(text))) {
    if (m.index !== consumed) break;
    consumed = re.lastIndex;
    if (m[1] !== undefined) steps.push({ field: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else if (m[3] !== undefined) steps.push({ filter: { path: m[3].split('.'), value: m[4] ?? m[5] ?? '' } });
    else steps.push({ all: true });
  }
  if (consumed !== text.length) throw new Error(`unsupported JSONPath ${path}`);
  return steps;
}

export function evaluateJsonPath(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const step of parse(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      if ('field' in step) {
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          const v = (value as Record<string, unknown>)[step.field];
          if (v !== undefined) next.push(v);
        }
      } else if ('index' in step) {
        if (Array.isArray(value) && step.index < value.length) next.push(value[step.index]);
      } else if ('all' in step) {
        if (Array.isArray(value)) next.push(...value);
      } else if (Array.isArray(value)) {
        for (const item of value) {
          let cur: unknown = item;
          for (const key of step.filter.path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
          if (cur !== undefined && String(cur) === step.filter.value) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}
