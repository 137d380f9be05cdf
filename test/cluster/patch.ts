/* eslint-disable @typescript-eslint/no-explicit-any -- patches operate on arbitrary JSON */
// The three patch types kubectl and client-node send, applied the way the API server does.
import jsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';

export class PatchError extends Error {
  constructor(
    readonly code: 400 | 415 | 422,
    message: string,
  ) {
    super(message);
  }
}

export const patchContentTypes = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else replaces. */
export function mergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

// List fields whose elements the strategic merge patch merges by a key (the patchMergeKey of k8s.io/api).
const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  tolerations: 'key',
  topologySpreadConstraints: 'topologyKey',
};

/**
 * Strategic merge patch: maps merge, lists of objects with a known merge key merge element-wise,
 * other lists are replaced. Directives (`$setElementOrder/...`, `$retainKeys`) are accepted and ignored;
 * `$patch: delete` on a list element removes it, `$patch: replace` replaces the map.
 */
export function strategicMergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _drop, ...rest } = patch;
    return structuredClone(rest);
  }
  const out: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) {
      delete out[key];
    } else if (Array.isArray(value) && mergeKeys[key] && value.every(isObject) && Array.isArray(out[key]) && out[key].every(isObject)) {
      out[key] = mergeList(out[key], value, mergeKeys[key]);
    } else if (isObject(value)) {
      out[key] = strategicMergePatch(out[key], value);
    } else {
      out[key] = structuredClone(value);
    }
  }
  return out;
}

function mergeList(current: any[], patch: any[], mergeKey: string): any[] {
  const out = current.map((e) => ({ ...e }));
  for (const element of patch) {
    const index = out.findIndex((e) => e[mergeKey] === element[mergeKey]);
    if (element.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = strategicMergePatch(out[index], element);
    } else {
      out.push(strategicMergePatch({}, element));
    }
  }
  return out;
}

/** RFC 6902 JSON patch; a failed `test` or a bad path is a 422 like the API server's. */
export function applyJsonPatch(target: any, operations: unknown): any {
  if (!Array.isArray(operations)) throw new PatchError(400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return jsonPatch.applyPatch(structuredClone(target), operations as Operation[], true, false).newDocument;
  } catch (err) {
    const e = err as { name?: string; message: string };
    throw new PatchError(422, e.name === 'TEST_OPERATION_FAILED' ? 'the server rejected our request due to an error in our request' : e.message.split('\n')[0]);
  }
}

/** Apply a PATCH body of the given content type to `target`. */
export function applyPatch(target: any, contentType: string, body: string, fieldManager: string | undefined): any {
  const type = contentType.split(';')[0].trim();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new PatchError(400, `error decoding patch: ${(err as Error).message}`);
  }
  switch (type) {
    case patchContentTypes.json:
      return applyJsonPatch(target, parsed);
    case patchContentTypes.merge:
      if (!isObject(parsed)) throw new PatchError(400, 'error decoding patch: merge patch must be a JSON object');
      return mergePatch(target, parsed);
    case patchContentTypes.strategic:
      if (!isObject(parsed)) throw new PatchError(400, 'error decoding patch: strategic merge patch must be a JSON object');
      return strategicMergePatch(target, parsed);
    case patchContentTypes.apply:
      // Server-side apply, reduced to a merge of the applied configuration (JSON is valid YAML).
      if (!fieldManager) throw new PatchError(422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
      if (!isObject(parsed)) throw new PatchError(400, 'error decoding patch: apply patch must be an object');
      return strategicMergePatch(target, parsed);
    default:
      throw new PatchError(415, `the body of the request was in an unknown format - accepted media types include: ${Object.values(patchContentTypes).join(', ')}`);
  }
}
