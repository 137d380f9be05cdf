// The Prometheus text exposition format (version 0.0.4), as ztunnel's `:15020/stats/prometheus` serves it
// (prometheus_client's encoder: `# HELP`, `# TYPE`, `name{label="value",...} value`, OpenMetrics `# EOF`).
// Pure and forgiving: a line that does not parse is skipped and counted, never thrown on.

export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PromParse {
  readonly samples: PromSample[];
  /** Lines that were neither comments, blank, nor a sample. */
  readonly skipped: number;
}

function isNameChar(c: number, first: boolean): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58 || (!first && c >= 48 && c <= 57);
}

function parseValue(text: string): number | undefined {
  const t = text.trim();
  if (t === 'NaN') return Number.NaN;
  if (t === '+Inf' || t === 'Inf') return Number.POSITIVE_INFINITY;
  if (t === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** One sample line, or undefined when it is not one. */
export function parsePromLine(line: string): PromSample | undefined {
  let i = 0;
  while (i < line.length && isNameChar(line.charCodeAt(i), i === 0)) i++;
  if (i === 0) return undefined;
  const name = line.slice(0, i);
  const labels: Record<string, string> = {};
  if (line.charCodeAt(i) === 123 /* { */) {
    i++;
    for (;;) {
      while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 44) i++;
      if (line.charCodeAt(i) === 125 /* } */) {
        i++;
        break;
      }
      const start = i;
      while (i < line.length && isNameChar(line.charCodeAt(i), i === start)) i++;
      if (i === start || line.charCodeAt(i) !== 61 /* = */ || line.charCodeAt(i + 1) !== 34 /* " */) return undefined;
      const key = line.slice(start, i);
      i += 2;
      let value = '';
      for (;;) {
        if (i >= line.length) return undefined;
        const c = line.charCodeAt(i);
        if (c === 34) break;
        if (c === 92 /* \ */) {
          const next = line[i + 1];
          value += next === 'n' ? '\n' : next === '"' ? '"' : next === '\\' ? '\\' : `\\${next ?? ''}`;
          i += 2;
          continue;
        }
        value += line[i];
        i++;
      }
      i++;
      labels[key] = value;
    }
  }
  const rest = line.slice(i).trim();
  if (rest === '') return undefined;
  // An optional timestamp may follow the value.
  const value = parseValue(rest.split(/\s+/)[0]!);
  return value === undefined ? undefined : { name, labels, value };
}

export function parsePrometheusText(text: string): PromParse {
  const samples: PromSample[] = [];
  let skipped = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parsePromLine(line);
    if (sample) samples.push(sample);
    else skipped++;
  }
  return { samples, skipped };
}
