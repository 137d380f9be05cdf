// JSON objects as block YAML in kubectl's layout (`kubectl get -o yaml`: two-space mappings, sequences at
// their key's indentation), for read-only documents. Strings that YAML would read as something else
// (numbers, booleans, null, leading indicators, `: ` or ` #`) are double-quoted, which YAML reads as JSON.

const PLAIN_UNSAFE = /^$|^[\s\-?:,[\]{}#&*!|>'"%@`]|[\s]$|: |\s#|^(?:true|false|null|yes|no|on|off|~)$|^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$|^0x|^\.(?:inf|nan)$|\n/i;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return PLAIN_UNSAFE.test(value) ? JSON.stringify(value) : value;
  return String(value);
}

function isEmptyCollection(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
}

function emit(value: unknown, indent: string, lines: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object' && item !== null && !isEmptyCollection(item)) {
        const nested: string[] = [];
        emit(item, `${indent}  `, nested);
        // The first line of the item goes after the dash.
        lines.push(`${indent}- ${nested[0]!.slice(indent.length + 2)}`, ...nested.slice(1));
      } else {
        lines.push(`${indent}- ${isEmptyCollection(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
    }
    return;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (child === undefined) continue;
    const k = scalar(key);
    if (isEmptyCollection(child)) lines.push(`${indent}${k}: ${Array.isArray(child) ? '[]' : '{}'}`);
    else if (Array.isArray(child)) {
      lines.push(`${indent}${k}:`);
      emit(child, indent, lines);
    } else if (typeof child === 'object' && child !== null) {
      lines.push(`${indent}${k}:`);
      emit(child, `${indent}  `, lines);
    } else lines.push(`${indent}${k}: ${scalar(child)}`);
  }
}

export function toYaml(value: unknown): string {
  if (typeof value !== 'object' || value === null) return `${scalar(value)}\n`;
  if (isEmptyCollection(value)) return Array.isArray(value) ? '[]\n' : '{}\n';
  const lines: string[] = [];
  emit(value, '', lines);
  return `${lines.join('\n')}\n`;
}
