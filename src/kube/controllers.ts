// The two controllers this server runs (kube-controller-manager's job in a cluster): the garbage
// collector (owner references: background, foreground, orphan) and the namespace controller
// (empty a deleted namespace, then let it go). They keep indexes by uid so a deletion finds owners
// and dependents without scanning storage.
import type { KubeApi } from './api.js';
import type { KubeObject, OwnerReference, ResourceType } from './types.js';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

type Found = { type: ResourceType; obj: KubeObject };

export class Controllers {
  /** ownerUid -> dependents as "storageKey\0objectKey". */
  private readonly dependents = new Map<string, Set<string>>();
  /** uid -> where the object is stored. */
  private readonly byUid = new Map<string, { key: string; objKey: string }>();

  constructor(private readonly api: KubeApi) {}

  /** Keeps the indexes in step with storage: `before` replaced by `after` (undefined: removed). */
  track(before: KubeObject | undefined, after: KubeObject | undefined, key: string, objKey: string): void {
    const member = `${key}\0${objKey}`;
    for (const ref of before?.metadata.ownerReferences ?? []) {
      const set = this.dependents.get(ref.uid);
      set?.delete(member);
      if (set?.size === 0) this.dependents.delete(ref.uid);
    }
    for (const ref of after?.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(member);
    }
    if (after) this.byUid.set(after.metadata.uid!, { key, objKey });
    else if (before) this.byUid.delete(before.metadata.uid!);
  }

  /** An object left storage: its dependents may be orphans now, its owners may be waiting for it. */
  removed(obj: KubeObject): void {
    const uid = obj.metadata.uid!;
    if (this.dependents.has(uid)) this.api.schedule(() => this.collectOrphansOf(uid));
    for (const ref of obj.metadata.ownerReferences ?? []) this.api.schedule(() => this.processOwner(ref.uid));
  }

  private find(uid: string): Found | undefined {
    const at = this.byUid.get(uid);
    const type = at && this.api.typeOf(at.key);
    const obj = at && this.api.store.collection(at.key).objects.get(at.objKey);
    return type && obj ? { type, obj } : undefined;
  }

  private dependentsOf(uid: string): Found[] {
    const out: Found[] = [];
    for (const member of this.dependents.get(uid) ?? []) {
      const [key, objKey] = member.split('\0') as [string, string];
      const type = this.api.typeOf(key);
      const obj = this.api.store.collection(key).objects.get(objKey);
      if (type && obj) out.push({ type, obj });
    }
    return out;
  }

  /** An owner being deleted in the foreground or with orphaning: act on dependents, then drop the finalizer. */
  processOwner(uid: string): void {
    const owner = this.find(uid);
    if (!owner || !owner.obj.metadata.deletionTimestamp) return;
    const finalizers = owner.obj.metadata.finalizers ?? [];
    let remove: string | undefined;
    if (finalizers.includes(ORPHAN)) {
      for (const dep of this.dependentsOf(uid)) {
        const next = structuredClone(dep.obj);
        next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        this.api.write(dep.type, next);
      }
      remove = ORPHAN;
    } else if (finalizers.includes(FOREGROUND)) {
      for (const dep of this.dependentsOf(uid)) {
        if (!dep.obj.metadata.deletionTimestamp) this.api.deleteObject(dep.type, dep.obj, 'Foreground');
      }
      if (this.dependentsOf(uid).some((d) => (d.obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion))) return;
      remove = FOREGROUND;
    }
    if (!remove) return;
    const next = structuredClone(owner.obj);
    next.metadata.finalizers = finalizers.filter((f) => f !== remove);
    if (next.metadata.finalizers.length === 0) {
      delete next.metadata.finalizers;
      this.api.write(owner.type, next);
      this.api.destroy(owner.type, next);
    } else {
      this.api.write(owner.type, next);
    }
  }

  /** Background collection: dependents whose owners are all gone are deleted; dangling references dropped. */
  private collectOrphansOf(uid: string): void {
    for (const dep of this.dependentsOf(uid)) {
      const refs = dep.obj.metadata.ownerReferences ?? [];
      const alive = refs.filter((r: OwnerReference) => r.uid !== uid && this.find(r.uid));
      if (alive.length > 0) {
        const next = structuredClone(dep.obj);
        next.metadata.ownerReferences = alive;
        this.api.write(dep.type, next);
      } else if (!dep.obj.metadata.deletionTimestamp) {
        this.api.deleteObject(dep.type, dep.obj, 'Background');
      }
    }
  }

  /** The namespace controller: delete everything inside, then drop the "kubernetes" finalizer. */
  finalizeNamespace(name: string): void {
    const nsType = this.api.builtin('', 'namespaces').type;
    const ns = this.api.store.collection(this.api.key(nsType)).objects.get(name);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const type of this.api.allTypes()) {
      if (!type.namespaced) continue;
      const collection = this.api.store.collection(this.api.key(type));
      for (const [objKey, obj] of [...collection.objects]) {
        if (!objKey.startsWith(`${name}/`)) continue;
        remaining++;
        if (!obj.metadata.deletionTimestamp) this.api.deleteObject(type, obj, 'Background');
      }
    }
    if (remaining > 0) {
      // Objects with finalizers hold the namespace; look again shortly, as the controller requeues.
      const timer = setTimeout(() => this.api.schedule(() => this.finalizeNamespace(name)), 100);
      timer.unref();
      return;
    }
    const next = structuredClone(ns);
    const spec = { ...(next.spec as Record<string, unknown> | undefined) };
    delete spec.finalizers;
    if (Object.keys(spec).length === 0) delete next.spec;
    else next.spec = spec;
    this.api.write(nsType, next);
    if ((next.metadata.finalizers ?? []).length === 0) this.api.destroy(nsType, next);
  }
}
