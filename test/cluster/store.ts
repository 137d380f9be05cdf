/* eslint-disable @typescript-eslint/no-explicit-any -- the store holds arbitrary Kubernetes JSON */
// One cluster's object store: objects indexed by resource and namespace, a monotonic resourceVersion,
// and a bounded history of change events so watches can resume (and really hit 410 Gone when too old).
import { randomUUID } from 'node:crypto';
import type { ResourceType } from './resources';
import { apiVersionOf } from './resources';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid: string;
    resourceVersion: string;
    creationTimestamp: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
    deletionTimestamp?: string;
    generateName?: string;
    managedFields?: any[];
    [key: string]: any;
  };
  spec?: any;
  status?: any;
  [key: string]: any;
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEvent {
  readonly rv: number;
  readonly resource: ResourceType;
  readonly type: EventType;
  /** The object after the change (for DELETED: as it was, with the deletion's resourceVersion). */
  readonly object: KubeObject;
  /** The object before the change (MODIFIED and DELETED). */
  readonly previous?: KubeObject;
}

export type ChangeListener = (event: ChangeEvent) => void;

/** Thrown by store operations; the HTTP layer turns it into a Status. */
export class StoreError extends Error {
  constructor(
    readonly code: 404 | 409,
    readonly reason: 'NotFound' | 'AlreadyExists' | 'Conflict',
    message: string,
  ) {
    super(message);
  }
}

const clusterScope = '';

class ResourceTable {
  readonly byNamespace = new Map<string, Map<string, KubeObject>>();
  private sortedKeys: string[] | undefined;
  /** The cluster-wide ordered list, valid until the next write (lists of 20,000 pods are frequent). */
  private orderedCache: KubeObject[] | undefined;
  count = 0;

  get(namespace: string, name: string): KubeObject | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  set(namespace: string, name: string, obj: KubeObject): void {
    let names = this.byNamespace.get(namespace);
    if (!names) this.byNamespace.set(namespace, (names = new Map()));
    if (!names.has(name)) {
      this.count++;
      this.sortedKeys = undefined;
    }
    this.orderedCache = undefined;
    names.set(name, obj);
  }

  delete(namespace: string, name: string): void {
    const names = this.byNamespace.get(namespace);
    if (names?.delete(name)) {
      this.count--;
      this.sortedKeys = undefined;
      this.orderedCache = undefined;
      if (names.size === 0) this.byNamespace.delete(namespace);
    }
  }

  /** Objects in key order (`namespace/name`), so `continue` tokens can point into the sequence. */
  ordered(namespace: string | undefined): KubeObject[] {
    if (namespace !== undefined) {
      const names = this.byNamespace.get(namespace);
      if (!names) return [];
      return [...names.keys()].sort().map((n) => names.get(n)!);
    }
    if (this.orderedCache) return this.orderedCache;
    if (!this.sortedKeys) {
      const keys: string[] = [];
      for (const [ns, names] of this.byNamespace) for (const n of names.keys()) keys.push(`${ns}/${n}`);
      this.sortedKeys = keys.sort();
    }
    const out: KubeObject[] = [];
    for (const key of this.sortedKeys) {
      const slash = key.indexOf('/');
      const obj = this.get(key.slice(0, slash), key.slice(slash + 1));
      if (obj) out.push(obj);
    }
    this.orderedCache = out;
    return out;
  }
}

export interface StoreOptions {
  /** How many change events are kept for watch resumption (older resourceVersions get 410 Gone). */
  historyLimit?: number;
}

export class ObjectStore {
  private readonly tables = new Map<string, ResourceTable>();
  private readonly history: ChangeEvent[] = [];
  private readonly historyLimit: number;
  private readonly listeners = new Set<ChangeListener>();
  private rv = 1000;
  /** Oldest resourceVersion a watch may resume from; anything older answers 410. */
  private oldestResumable = 1000;

  constructor(options: StoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 5000;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestResumableVersion(): number {
    return this.oldestResumable;
  }

  private table(r: ResourceType): ResourceTable {
    let t = this.tables.get(r.plural);
    if (!t) this.tables.set(r.plural, (t = new ResourceTable()));
    return t;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(r: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.table(r).get(namespace ?? clusterScope, name);
  }

  /** Stored objects are never mutated in place: callers may keep and serialize what they get (and must not modify the array). */
  list(r: ResourceType, namespace?: string): readonly KubeObject[] {
    return this.table(r).ordered(r.namespaced ? namespace : undefined);
  }

  count(r: ResourceType): number {
    return this.table(r).count;
  }

  namespacesWith(r: ResourceType): string[] {
    return [...this.table(r).byNamespace.keys()];
  }

  /** Create an object; fills uid, resourceVersion, creationTimestamp, generation. */
  /** `adopt`: the caller hands over a fresh object (no defensive copy; used when seeding at scale). */
  create(r: ResourceType, input: { metadata: { name: string; [key: string]: any }; [key: string]: any }, options: { dryRun?: boolean; adopt?: boolean } = {}): KubeObject {
    const namespace = r.namespaced ? input.metadata.namespace : undefined;
    const name = input.metadata.name;
    if (this.get(r, namespace, name)) {
      throw new StoreError(409, 'AlreadyExists', `${r.group ? `${r.plural}.${r.group}` : r.plural} "${name}" already exists`);
    }
    const obj = (options.adopt ? input : structuredClone(input)) as KubeObject;
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    const nextRv = options.dryRun ? this.rv : this.rv + 1;
    obj.metadata = {
      ...obj.metadata,
      name,
      ...(r.namespaced ? { namespace } : {}),
      uid: randomUUID(),
      resourceVersion: String(nextRv),
      creationTimestamp: obj.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    if (!r.namespaced) delete obj.metadata.namespace;
    // The API server always stamps a namespace with its own name (NamespaceDefaultLabelName).
    if (r.kind === 'Namespace') obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
    if (obj.spec !== undefined && r.kind !== 'Namespace' && r.kind !== 'Node') obj.metadata.generation = 1;
    if (options.dryRun) return obj;
    this.rv = nextRv;
    this.table(r).set(namespace ?? clusterScope, name, obj);
    this.emit({ rv: this.rv, resource: r, type: 'ADDED', object: obj });
    return obj;
  }

  /**
   * Replace an object with `next` (a modified copy). Bumps resourceVersion, and generation when the spec
   * changed. `expectedRv` enforces optimistic concurrency like a real apiserver (409 Conflict).
   */
  replace(r: ResourceType, next: KubeObject, options: { dryRun?: boolean; expectedRv?: string } = {}): KubeObject {
    const namespace = r.namespaced ? next.metadata.namespace : undefined;
    const current = this.get(r, namespace, next.metadata.name);
    if (!current) throw notFound(r, next.metadata.name);
    if (options.expectedRv && options.expectedRv !== current.metadata.resourceVersion) {
      throw new StoreError(409, 'Conflict', `Operation cannot be fulfilled on ${r.group ? `${r.plural}.${r.group}` : r.plural} "${next.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    const obj = next;
    if (r.kind === 'Namespace') obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
    // Identity fields are the server's, whatever the client sent.
    obj.apiVersion = current.apiVersion;
    obj.kind = current.kind;
    obj.metadata.uid = current.metadata.uid;
    obj.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.generation !== undefined) {
      const specChanged = JSON.stringify(current.spec) !== JSON.stringify(obj.spec);
      obj.metadata.generation = current.metadata.generation + (specChanged ? 1 : 0);
    }
    if (JSON.stringify({ ...current, metadata: { ...current.metadata, resourceVersion: '', managedFields: undefined } }) ===
      JSON.stringify({ ...obj, metadata: { ...obj.metadata, resourceVersion: '', managedFields: undefined } })) {
      // A no-op write keeps its resourceVersion and emits nothing, like a real apiserver.
      return current;
    }
    if (options.dryRun) {
      obj.metadata.resourceVersion = current.metadata.resourceVersion;
      return obj;
    }
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    this.table(r).set(namespace ?? clusterScope, obj.metadata.name, obj);
    this.emit({ rv: this.rv, resource: r, type: 'MODIFIED', object: obj, previous: current });
    return obj;
  }

  /** Clone, mutate, replace: the usual controller write. Returns undefined when the object is gone. */
  update(r: ResourceType, namespace: string | undefined, name: string, mutate: (draft: KubeObject) => void): KubeObject | undefined {
    const current = this.get(r, namespace, name);
    if (!current) return undefined;
    const draft = structuredClone(current);
    mutate(draft);
    return this.replace(r, draft);
  }

  delete(r: ResourceType, namespace: string | undefined, name: string, options: { dryRun?: boolean } = {}): KubeObject {
    const current = this.get(r, namespace, name);
    if (!current) throw notFound(r, name);
    if (options.dryRun) return current;
    this.rv++;
    const gone = { ...current, metadata: { ...current.metadata, resourceVersion: String(this.rv) } };
    this.table(r).delete(namespace ?? clusterScope, name);
    this.emit({ rv: this.rv, resource: r, type: 'DELETED', object: gone, previous: current });
    return gone;
  }

  /** Events after `rv` for resumption, or undefined when they are no longer all kept (410 Gone). */
  eventsSince(rv: number): ChangeEvent[] | undefined {
    if (rv < this.oldestResumable) return undefined;
    // History is in rv order: binary search for the first event newer than rv.
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Seeding writes bypass history: nobody can hold a resourceVersion from before the server started. */
  markSeeded(): void {
    this.history.length = 0;
    this.oldestResumable = this.rv;
  }

  private emit(event: ChangeEvent): void {
    this.history.push(event);
    // Trim in batches: splicing one event off a long array on every write is quadratic at seed time.
    if (this.history.length > this.historyLimit + Math.min(256, this.historyLimit)) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.oldestResumable = dropped[dropped.length - 1].rv;
    }
    for (const listener of this.listeners) listener(event);
  }
}

export function notFound(r: ResourceType, name: string): StoreError {
  return new StoreError(404, 'NotFound', `${r.group ? `${r.plural}.${r.group}` : r.plural} "${name}" not found`);
}
