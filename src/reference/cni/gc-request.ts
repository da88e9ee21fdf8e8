// Reading a GC request's list of still-valid attachments. Its own module so the interface plugin
// does not load the IPAM store (and its lock library) just to parse GC.
import type { Owner } from './ipam-store.js';
import { CniError, Code, type Request } from './skel.js';

/** The valid-attachments list of a GC request (either key; the fault reads only the new one). */
export function validAttachments(request: Request): Owner[] | undefined {
  const list = request.config['cni.dev/valid-attachments'] ?? (request.fault === 'gc-ignores-old-key' ? undefined : request.config['cni.dev/attachments']);
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw new CniError(Code.InvalidConfig, 'valid attachments must be a list of {containerID, ifname}');
  return list.map((a: Record<string, unknown>) => ({ containerID: String(a.containerID), ifname: String(a.ifname) }));
}
