/* eslint-disable @typescript-eslint/no-explicit-any -- selectors read arbitrary object JSON */
// Label and field selectors with the grammar and error messages of the real API server.
import type { KubeObject } from './store';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export class SelectorError extends Error {}

/** Parse `a=b,c!=d,e in (f,g),h notin (i),j,!k`. */
export function parseLabelSelector(selector: string | undefined): Requirement[] {
  if (!selector || !selector.trim()) return [];
  const out: Requirement[] = [];
  for (const part of splitTopLevel(selector)) {
    const term = part.trim();
    if (!term) continue;
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      out.push({ key: m[1], op: m[2] as 'in' | 'notin', values: m[3].split(',').map((v) => v.trim()).filter((v) => v !== '') });
    } else if ((m = term.match(/^([^\s!=()]+)\s*(==|=|!=)\s*([^\s,()]*)$/))) {
      out.push({ key: m[1], op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]] });
    } else if ((m = term.match(/^!\s*([^\s!=()]+)$/))) {
      out.push({ key: m[1], op: '!exists' });
    } else if ((m = term.match(/^([^\s!=()]+)$/))) {
      out.push({ key: m[1], op: 'exists' });
    } else {
      throw new SelectorError(`unable to parse requirement: found '${term}', expected: '=', '!=', '==', 'in', notin'`);
    }
  }
  return out;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

export function matchesLabels(requirements: Requirement[], labels: Record<string, string> | undefined): boolean {
  for (const req of requirements) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, req.key);
    const value = has ? labels![req.key] : undefined;
    switch (req.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !req.values.includes(value!)) return false;
        break;
      case 'notin':
        if (has && req.values.includes(value!)) return false;
        break;
    }
  }
  return true;
}

/** Selector object (`spec.selector`) matching: matchLabels and matchExpressions. */
export function matchesLabelSelectorObject(selector: any, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels?.[k] !== v) return false;
  for (const expr of selector.matchExpressions ?? []) {
    const value = labels?.[expr.key];
    const has = value !== undefined;
    if (expr.operator === 'In' && !(has && expr.values.includes(value))) return false;
    if (expr.operator === 'NotIn' && has && expr.values.includes(value)) return false;
    if (expr.operator === 'Exists' && !has) return false;
    if (expr.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** `app=x,tier=y` from matchLabels, as kubectl prints and sends it. */
export function selectorToString(selector: any): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const expr of selector?.matchExpressions ?? []) {
    if (expr.operator === 'In') parts.push(`${expr.key} in (${expr.values.join(',')})`);
    else if (expr.operator === 'NotIn') parts.push(`${expr.key} notin (${expr.values.join(',')})`);
    else if (expr.operator === 'Exists') parts.push(expr.key);
    else if (expr.operator === 'DoesNotExist') parts.push(`!${expr.key}`);
  }
  return parts.join(',');
}

type FieldRequirement = { field: string; op: '=' | '!='; value: string };

const supportedFields: Record<string, readonly string[]> = {
  pods: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  events: ['metadata.name', 'metadata.namespace', 'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  namespaces: ['metadata.name', 'status.phase'],
  nodes: ['metadata.name', 'spec.unschedulable'],
};

export function parseFieldSelector(selector: string | undefined, resource: string): FieldRequirement[] {
  if (!selector || !selector.trim()) return [];
  const allowed = supportedFields[resource] ?? ['metadata.name', 'metadata.namespace'];
  return selector.split(',').filter((t) => t.trim() !== '').map((term) => {
    const m = term.trim().match(/^([^!=]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    if (!allowed.includes(m[1])) {
      throw new SelectorError(`field label not supported: ${m[1]}`);
    }
    return { field: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3] };
  });
}

function fieldValue(obj: KubeObject, field: string): string {
  let cur: any = obj;
  for (const part of field.split('.')) cur = cur?.[part];
  if (field === 'spec.hostNetwork') return String(Boolean(cur));
  return cur === undefined || cur === null ? '' : String(cur);
}

export function matchesFields(requirements: FieldRequirement[], obj: KubeObject): boolean {
  return requirements.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}
