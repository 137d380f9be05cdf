// Parser throughput on a realistic mixed file of 1,000,000 lines, against a baseline measured in the same
// run that only splits each line on tabs and spaces. Target: parser / baseline >= 0.5.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryFields } from '../../src/logs/fields';
import { parseZtunnelLine } from '../../src/logs/parser';
import { ztunnelLogLines } from './ztunnelLogCorpus';
import { exitCodeFor, loadSize } from './benchMode';

const lineCount = loadSize('BENCH_LINES', 1_000_000, 100_000);
const rounds = 5;
const target = 0.5;

function corpusFile(): string {
  const dir = join(tmpdir(), 'ambient-mesh-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `ztunnel-mixed-${lineCount}.log`);
  if (!existsSync(file)) {
    const chunks: string[] = [];
    for (const line of ztunnelLogLines(lineCount)) chunks.push(line);
    writeFileSync(file, chunks.join('\n') + '\n');
  }
  return file;
}

/** Seconds for one pass over `lines`; `sink` keeps the work from being optimised away. */
let sink = 0;
/** `npm run bench` runs with --expose-gc: each pass starts without the previous pass's garbage. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function pass(lines: readonly string[], work: (line: string) => number): number {
  collect();
  const start = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i++) sink += work(lines[i]!);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Baseline and parser passes alternate, so a busy machine (the team shares two cores) slows both alike;
 * the ratio reported is the median of the per-round ratios, the speeds the best of the rounds.
 */
function compare(lines: readonly string[], baselineWork: (line: string) => number, parserWork: (line: string) => number) {
  const ratios: number[] = [];
  let baselineBest = Infinity;
  let parserBest = Infinity;
  for (let round = 0; round < rounds; round++) {
    const baseline = pass(lines, baselineWork);
    const parser = pass(lines, parserWork);
    baselineBest = Math.min(baselineBest, baseline);
    parserBest = Math.min(parserBest, parser);
    ratios.push(baseline / parser);
    if (process.env.BENCH_VERBOSE) console.log(`  round ${round + 1}: baseline ${(lines.length / baseline).toFixed(0)}, parser ${(lines.length / parser).toFixed(0)} lines/s, ratio ${(baseline / parser).toFixed(2)}`);
  }
  ratios.sort((a, b) => a - b);
  return {
    baseline: lines.length / baselineBest,
    parser: lines.length / parserBest,
    ratio: ratios[Math.floor(ratios.length / 2)]!,
  };
}

const file = corpusFile();
const text = readFileSync(file, 'utf8');
const lines = text.split('\n');
if (lines[lines.length - 1] === '') lines.pop();

const splitOnly = /[\t ]+/;
const result = compare(
  lines,
  (line) => line.split(splitOnly).length,
  (line) => {
    const entry = parseZtunnelLine(line);
    return entry.message.length + (entry.class === 'mtls' ? 1 : 0);
  },
);
// For the record: the same lines with every field parsed (fields are otherwise parsed on first use).
const eager = compare(
  lines,
  (line) => line.split(splitOnly).length,
  (line) => {
    const entry = parseZtunnelLine(line);
    return Object.keys(entryFields(entry)).length;
  },
);

const classes = new Map<string, number>();
for (const line of lines) {
  const c = parseZtunnelLine(line).class;
  classes.set(c, (classes.get(c) ?? 0) + 1);
}

const mb = (Buffer.byteLength(text) / 1e6).toFixed(1);
const perSecond = (n: number) => `${Math.round(n).toLocaleString('en')} lines/s`;
console.log(`parser benchmark: ${lines.length.toLocaleString('en')} lines (${mb} MB) from ${file}`);
console.log(`  classes: ${[...classes].map(([c, n]) => `${c} ${n}`).join(', ')}`);
console.log(`  baseline (split on tabs and spaces): ${perSecond(result.baseline)}`);
console.log(`  parser (parse + classify):           ${perSecond(result.parser)}`);
console.log(`  ratio parser/baseline: ${result.ratio.toFixed(2)} (target >= ${target}) ${result.ratio >= target ? 'PASS' : 'FAIL'}`);
console.log(`  with every field parsed too:         ${perSecond(eager.parser)} (ratio ${eager.ratio.toFixed(2)}, informational)`);
if (sink === -1) console.log('');
process.exitCode = exitCodeFor(result.ratio < target ? 1 : 0);
