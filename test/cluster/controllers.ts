/* eslint-disable @typescript-eslint/no-explicit-any -- controllers read and write arbitrary object JSON */
// The controllers that make the server a cluster rather than a fixture: Deployment -> ReplicaSet -> Pod,
// StatefulSet and DaemonSet -> Pod, a kubelet that starts pods after a short delay, garbage collection
// of owned objects, and a namespace lifecycle. They react to store events through a work queue.
import type { ClusterSim } from './cluster';
import type { ChangeEvent, KubeObject } from './store';
import { generateFreeName, templateHash } from './names';
import { resourceByKind } from './resources';
import { Seeder } from './seed';

const Pod = resourceByKind('Pod');
const ReplicaSet = resourceByKind('ReplicaSet');
const Deployment = resourceByKind('Deployment');
const StatefulSet = resourceByKind('StatefulSet');
const DaemonSet = resourceByKind('DaemonSet');
const Namespace = resourceByKind('Namespace');

export function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export function isPodReady(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') === true;
}

function ownerRef(owner: KubeObject) {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

function controllerOf(obj: KubeObject): { kind: string; name: string; uid: string } | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

function sameCondition(a: any, b: any): boolean {
  return a && b && a.status === b.status && a.reason === b.reason && a.message === b.message;
}

/** Keep lastTransitionTime/lastUpdateTime stable while a condition does not change. */
function mergeConditions(previous: any[] | undefined, next: any[]): any[] {
  return next.map((c) => {
    const old = previous?.find((p) => p.type === c.type);
    return sameCondition(old, c) ? old : c;
  });
}

type Key = `${string}|${string}|${string}`;

export class Controllers {
  private readonly queue = new Set<Key>();
  private scheduled = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly sim: ClusterSim) {
    sim.store.subscribe((event) => this.observe(event));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  enqueue(kind: string, namespace: string | undefined, name: string): void {
    this.queue.add(`${kind}|${namespace ?? ''}|${name}`);
    if (!this.scheduled && !this.sim.seeding) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Run queued reconciles until nothing changes (called synchronously while seeding). */
  drain(): void {
    this.scheduled = false;
    let rounds = 0;
    while (this.queue.size > 0 && rounds++ < 10_000) {
      const [key] = this.queue;
      this.queue.delete(key);
      const [kind, namespace, name] = key.split('|');
      try {
        this.reconcile(kind, namespace || undefined, name);
      } catch (err) {
        console.error(`[${this.sim.name}] reconcile ${key} failed:`, err);
      }
    }
  }

  /** While paused (bulk seeding of objects created already consistent), events trigger no reconcile. */
  paused = false;

  private observe(event: ChangeEvent): void {
    if (this.paused) return;
    const obj = event.object;
    const ns = obj.metadata.namespace;
    switch (obj.kind) {
      case 'Deployment':
        this.enqueue('Deployment', ns, obj.metadata.name);
        break;
      case 'ReplicaSet':
      case 'StatefulSet':
      case 'DaemonSet': {
        this.enqueue(obj.kind, ns, obj.metadata.name);
        const owner = controllerOf(obj);
        if (owner) this.enqueue(owner.kind, ns, owner.name);
        break;
      }
      case 'Pod': {
        const owner = controllerOf(obj);
        if (owner) this.enqueue(owner.kind, ns, owner.name);
        if (event.type === 'DELETED') this.sim.podDeleted(obj);
        else this.enqueue('Capture', ns, obj.metadata.name);
        break;
      }
      case 'Namespace':
        if (event.type === 'ADDED') this.enqueue('NamespaceDefaults', undefined, obj.metadata.name);
        if (event.type === 'MODIFIED' && obj.metadata.deletionTimestamp && !event.previous?.metadata.deletionTimestamp) {
          this.later(this.sim.readyDelayMs, () => this.finishNamespaceDeletion(obj.metadata.name));
        }
        if (event.type === 'MODIFIED' && JSON.stringify(obj.metadata.labels) !== JSON.stringify(event.previous?.metadata.labels)) {
          this.enqueue('CaptureNamespace', undefined, obj.metadata.name);
        }
        break;
    }
    // Writes never happen inside a store event (watchers must see events in resourceVersion order):
    // everything that writes goes through the queue.
    if (event.type === 'DELETED' && ns) this.enqueue('GC', ns, obj.metadata.uid);
  }

  private reconcile(kind: string, namespace: string | undefined, name: string): void {
    switch (kind) {
      case 'Deployment':
        return this.reconcileDeployment(namespace!, name);
      case 'ReplicaSet':
        return this.reconcileReplicaSet(namespace!, name);
      case 'StatefulSet':
        return this.reconcileStatefulSet(namespace!, name);
      case 'DaemonSet':
        return this.reconcileDaemonSet(namespace!, name);
      case 'Capture': {
        const pod = this.sim.store.get(Pod, namespace, name);
        if (pod) this.sim.cni.reconcilePod(pod);
        return;
      }
      case 'CaptureNamespace':
        for (const pod of this.sim.store.list(Pod, name)) this.sim.cni.reconcilePod(pod);
        return;
      case 'NamespaceDefaults':
        if (this.sim.store.get(Namespace, undefined, name)) new Seeder(this.sim).namespaceDefaults(name);
        return;
      case 'GC':
        return this.collectGarbage(namespace!, name);
    }
  }

  /** Objects owned by `owner` (by uid), from the owner's namespace; terminating pods only when asked. */
  private owned(resource: typeof Pod, owner: KubeObject, includeTerminating = false): KubeObject[] {
    return this.sim.store.list(resource, owner.metadata.namespace).filter((o) => controllerOf(o)?.uid === owner.metadata.uid && (includeTerminating || !o.metadata.deletionTimestamp));
  }

  private collectGarbage(namespace: string, ownerUid: string): void {
    for (const resource of [ReplicaSet, Pod]) {
      for (const child of this.sim.store.list(resource, namespace)) {
        if (child.metadata.ownerReferences?.some((r) => r.uid === ownerUid)) {
          this.sim.store.delete(resource, child.metadata.namespace, child.metadata.name);
        }
      }
    }
  }

  private finishNamespaceDeletion(name: string): void {
    const store = this.sim.store;
    for (const r of this.sim.namespacedResources()) {
      for (const obj of store.list(r, name)) {
        if (store.get(r, name, obj.metadata.name)) store.delete(r, name, obj.metadata.name);
      }
    }
    if (store.get(Namespace, undefined, name)) store.delete(Namespace, undefined, name);
  }

  // ---- Pods -------------------------------------------------------------------------------------

  /**
   * A free pod name for a controller (the API server fills generateName and retries on collision); undefined
   * when all attempts collided, and the controller tries again on its next sync, as the real one does.
   */
  private generatedPodName(namespace: string, prefix: string): string | undefined {
    return generateFreeName(prefix, (name) => this.sim.store.get(Pod, namespace, name) !== undefined);
  }

  /** A pod from a workload's template, scheduled to `nodeName` (or the least busy node). */
  createPod(owner: KubeObject, template: any, name: string, extraLabels: Record<string, string>, nodeName?: string): KubeObject {
    const spec = structuredClone(template.spec ?? {});
    const pod = {
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        // StatefulSet pods have stable names; the others are generated from the owner's name.
        generateName: owner.kind === 'StatefulSet' ? undefined : `${name.slice(0, name.lastIndexOf('-') + 1)}`,
        labels: { ...(template.metadata?.labels ?? {}), ...extraLabels },
        annotations: template.metadata?.annotations ? { ...template.metadata.annotations } : undefined,
        ownerReferences: [ownerRef(owner)],
      },
      spec: {
        ...spec,
        nodeName: nodeName ?? this.sim.pickNode(),
        serviceAccountName: spec.serviceAccountName ?? 'default',
        serviceAccount: spec.serviceAccountName ?? 'default',
        restartPolicy: spec.restartPolicy ?? 'Always',
        dnsPolicy: spec.dnsPolicy ?? (spec.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst'),
        schedulerName: 'default-scheduler',
        terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
        priority: 0,
        securityContext: spec.securityContext ?? {},
        tolerations: spec.tolerations ?? [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
      },
      status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now() }] },
    } as any;
    if (!pod.metadata.generateName) delete pod.metadata.generateName;
    if (!pod.metadata.annotations) delete pod.metadata.annotations;
    this.sim.admitPod(pod);
    if (this.sim.seeding) {
      // Seed pods are already running when the server starts.
      this.sim.startPod(pod);
      const created = this.sim.store.create(Pod, pod);
      this.sim.containersStarted(created);
      return created;
    }
    const created = this.sim.store.create(Pod, pod);
    this.later(this.sim.readyDelayMs, () => {
      this.sim.store.update(Pod, created.metadata.namespace, created.metadata.name, (draft) => {
        if (draft.metadata.uid === created.metadata.uid && draft.status?.phase === 'Pending') this.sim.startPod(draft);
      });
    });
    return created;
  }

  /**
   * Graceful deletion, as the kubelet does it: the pod turns Terminating (deletionTimestamp set, not
   * ready), then disappears once its containers have stopped (`podTerminationMs` later).
   */
  deletePod(pod: KubeObject, gracePeriodSeconds?: number): KubeObject | undefined {
    const store = this.sim.store;
    const current = store.get(Pod, pod.metadata.namespace, pod.metadata.name);
    if (!current || current.metadata.uid !== pod.metadata.uid) return undefined;
    if (this.sim.seeding || this.sim.podTerminationMs <= 0 || gracePeriodSeconds === 0) return store.delete(Pod, pod.metadata.namespace, pod.metadata.name);
    if (current.metadata.deletionTimestamp) return current;
    const grace = gracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
    const terminating = store.update(Pod, pod.metadata.namespace, pod.metadata.name, (draft) => {
      draft.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      draft.metadata.deletionGracePeriodSeconds = grace;
      for (const c of draft.status?.conditions ?? []) if (c.type === 'Ready' || c.type === 'ContainersReady') c.status = 'False';
      for (const cs of draft.status?.containerStatuses ?? []) cs.ready = false;
    });
    this.later(this.sim.podTerminationMs, () => {
      const still = store.get(Pod, pod.metadata.namespace, pod.metadata.name);
      if (still?.metadata.uid === pod.metadata.uid) store.delete(Pod, pod.metadata.namespace, pod.metadata.name);
    });
    return terminating;
  }

  // ---- Deployments ------------------------------------------------------------------------------

  private reconcileDeployment(namespace: string, name: string): void {
    const store = this.sim.store;
    const d = store.get(Deployment, namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const desired = d.spec?.replicas ?? 1;
    const hash = templateHash(d.spec.template);
    const replicaSets = this.owned(ReplicaSet, d);
    let current = replicaSets.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const maxRevision = Math.max(0, ...replicaSets.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0)));
    if (!current) {
      const template = structuredClone(d.spec.template);
      template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash } };
      current = store.create(ReplicaSet, {
        metadata: {
          name: `${name}-${hash}`,
          namespace,
          labels: { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash },
          annotations: { 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + 1), 'deployment.kubernetes.io/revision': String(maxRevision + 1) },
          ownerReferences: [ownerRef(d)],
        },
        spec: {
          replicas: desired,
          selector: { matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash }, ...(d.spec.selector?.matchExpressions ? { matchExpressions: d.spec.selector.matchExpressions } : {}) },
          template,
        },
        status: { replicas: 0 },
      });
    } else if (current.spec.replicas !== desired) {
      current = store.update(ReplicaSet, namespace, current.metadata.name, (rs) => {
        rs.spec.replicas = desired;
        rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), 'deployment.kubernetes.io/desired-replicas': String(desired) };
      })!;
    }
    // Rolling update, simplified: old ReplicaSets scale to zero once the new one has all its pods ready.
    const newPods = this.owned(Pod, current);
    const newReady = newPods.filter(isPodReady).length;
    const oldSets = replicaSets.filter((rs) => rs.metadata.uid !== current!.metadata.uid);
    if (newReady >= desired || this.sim.seeding) {
      for (const rs of oldSets) {
        if (rs.spec.replicas !== 0) store.update(ReplicaSet, namespace, rs.metadata.name, (draft) => (draft.spec.replicas = 0));
      }
    }
    // Status from the pods of every owned ReplicaSet.
    let total = 0;
    let ready = 0;
    for (const rs of [current, ...oldSets]) {
      const pods = this.owned(Pod, rs);
      total += pods.length;
      ready += pods.filter(isPodReady).length;
    }
    const updated = newPods.length;
    const complete = updated === desired && newReady === desired && total === desired;
    const t = now();
    store.update(Deployment, namespace, name, (draft) => {
      const conditions = mergeConditions(draft.status?.conditions, [
        ready >= desired
          ? { type: 'Available', status: 'True', lastUpdateTime: t, lastTransitionTime: t, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
          : { type: 'Available', status: 'False', lastUpdateTime: t, lastTransitionTime: t, reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
        complete
          ? { type: 'Progressing', status: 'True', lastUpdateTime: t, lastTransitionTime: t, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${current!.metadata.name}" has successfully progressed.` }
          : { type: 'Progressing', status: 'True', lastUpdateTime: t, lastTransitionTime: t, reason: 'ReplicaSetUpdated', message: `ReplicaSet "${current!.metadata.name}" is progressing.` },
      ]);
      draft.status = {
        observedGeneration: draft.metadata.generation,
        replicas: total,
        updatedReplicas: updated,
        readyReplicas: ready || undefined,
        availableReplicas: ready || undefined,
        unavailableReplicas: Math.max(0, desired - ready) || undefined,
        conditions,
      };
      for (const k of Object.keys(draft.status)) if (draft.status[k] === undefined) delete draft.status[k];
    });
  }

  // ---- ReplicaSets ------------------------------------------------------------------------------

  private reconcileReplicaSet(namespace: string, name: string): void {
    const store = this.sim.store;
    const rs = store.get(ReplicaSet, namespace, name);
    if (!rs) return;
    const desired = rs.spec?.replicas ?? 1;
    const pods = this.owned(Pod, rs);
    for (let i = pods.length; i < desired; i++) {
      const podName = this.generatedPodName(namespace, `${name}-`);
      if (podName) this.createPod(rs, rs.spec.template, podName, {});
    }
    if (pods.length > desired) {
      // Scale down the least useful first: not ready, then youngest.
      const victims = [...pods].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp));
      for (const pod of victims.slice(0, pods.length - desired)) this.deletePod(pod);
    }
    const now_ = this.owned(Pod, rs);
    const ready = now_.filter(isPodReady).length;
    store.update(ReplicaSet, namespace, name, (draft) => {
      draft.status = { replicas: now_.length, fullyLabeledReplicas: now_.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: draft.metadata.generation };
      if (!ready) {
        delete draft.status.readyReplicas;
        delete draft.status.availableReplicas;
      }
    });
  }

  // ---- StatefulSets -----------------------------------------------------------------------------

  private reconcileStatefulSet(namespace: string, name: string): void {
    const store = this.sim.store;
    const sts = store.get(StatefulSet, namespace, name);
    if (!sts) return;
    const desired = sts.spec?.replicas ?? 1;
    const revision = `${name}-${templateHash(sts.spec.template)}`;
    // A terminating pod still holds its ordinal: the replacement waits until it is gone.
    const pods = this.owned(Pod, sts, true);
    const byOrdinal = new Map(pods.map((p) => [Number(p.metadata.name.slice(name.length + 1)), p]));
    // OrderedReady: create the lowest missing ordinal only when all lower ones are ready.
    for (let i = 0; i < desired; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        this.createPod(sts, sts.spec.template, `${name}-${i}`, { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': `${name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) }, undefined);
        if (!this.sim.seeding) break;
      } else if (!isPodReady(pod) && !this.sim.seeding) {
        break;
      }
    }
    for (const [ordinal, pod] of byOrdinal) if (ordinal >= desired && !pod.metadata.deletionTimestamp) this.deletePod(pod);
    // Rolling update: replace the highest-ordinal outdated pod once every pod is present and ready.
    const current = this.owned(Pod, sts);
    const allReady = current.length === desired && current.every(isPodReady);
    const outdated = current.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== revision).sort((a, b) => b.metadata.name.localeCompare(a.metadata.name, undefined, { numeric: true }));
    if (allReady && outdated.length > 0) this.deletePod(outdated[0]);
    const after = this.owned(Pod, sts);
    const ready = after.filter(isPodReady).length;
    const updated = after.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length;
    store.update(StatefulSet, namespace, name, (draft) => {
      const done = updated === desired && ready === desired;
      draft.status = {
        observedGeneration: draft.metadata.generation,
        replicas: after.length,
        readyReplicas: ready,
        currentReplicas: done ? updated : after.length - updated,
        updatedReplicas: updated,
        availableReplicas: ready,
        currentRevision: done ? revision : (draft.status?.currentRevision ?? revision),
        updateRevision: revision,
        collisionCount: 0,
      };
    });
  }

  // ---- DaemonSets -------------------------------------------------------------------------------

  private reconcileDaemonSet(namespace: string, name: string): void {
    const store = this.sim.store;
    const ds = store.get(DaemonSet, namespace, name);
    if (!ds) return;
    const hash = templateHash(ds.spec.template);
    const nodes = this.sim.nodeNames();
    // A node whose old pod is still terminating gets its new pod once that one is gone (maxSurge 0).
    const pods = this.owned(Pod, ds, true);
    for (const node of nodes) {
      if (!pods.some((p) => p.spec.nodeName === node)) {
        const podName = this.generatedPodName(namespace, `${name}-`);
        if (podName) this.createPod(ds, ds.spec.template, podName, { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) }, node);
      }
    }
    // RollingUpdate with maxUnavailable 1: replace one outdated pod at a time, when all others are ready.
    const current = this.owned(Pod, ds);
    const allReady = current.length >= nodes.length && current.every(isPodReady) && this.owned(Pod, ds, true).length === current.length;
    const outdated = current.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== hash).sort((a, b) => a.spec.nodeName.localeCompare(b.spec.nodeName));
    if (allReady && outdated.length > 0) this.deletePod(outdated[0]);
    const after = this.owned(Pod, ds);
    const ready = after.filter(isPodReady).length;
    const updated = after.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length;
    store.update(DaemonSet, namespace, name, (draft) => {
      draft.status = {
        currentNumberScheduled: after.length,
        numberMisscheduled: 0,
        desiredNumberScheduled: nodes.length,
        numberReady: ready,
        observedGeneration: draft.metadata.generation,
        updatedNumberScheduled: updated,
        numberAvailable: ready,
        ...(nodes.length - ready > 0 ? { numberUnavailable: nodes.length - ready } : {}),
      };
    });
  }
}

