// events.k8s.io/v1 Events are core v1 Events in another form: kube-apiserver stores both in one
// place, so an event written through either API is listed and watched through both. Stored here
// in the core form; the field renames are those of its conversion functions.
import type { KubeObject } from './types.js';
import { goShape, wireMessageOf } from './wire.js';

/** core v1 name -> events.k8s.io/v1 name. */
const RENAMED: [string, string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];

const CORE = 'v1';
const EVENTS = 'events.k8s.io/v1';

function convert(obj: KubeObject, apiVersion: string, from: 0 | 1): KubeObject {
  const out: Record<string, unknown> = { ...obj, apiVersion };
  for (const pair of RENAMED) {
    const source = pair[from];
    const target = pair[1 - from]!;
    delete out[source];
    if (obj[source] !== undefined) out[target] = obj[source];
  }
  return goShape(out, wireMessageOf(apiVersion, 'Event')!).object as KubeObject;
}

const asEvents = new WeakMap<KubeObject, KubeObject>();

/** The stored (core) form of an event; objects already in it pass through. */
export function eventToStorage(obj: KubeObject): KubeObject {
  return obj.apiVersion === CORE ? obj : convert(obj, CORE, 1);
}

/** The events.k8s.io/v1 form of a stored event, once per stored object (watchers share it). */
export function eventFromStorage(obj: KubeObject): KubeObject {
  if (obj.apiVersion === EVENTS) return obj;
  let converted = asEvents.get(obj);
  if (!converted) {
    converted = convert(obj, EVENTS, 0);
    asEvents.set(obj, converted);
  }
  return converted;
}
