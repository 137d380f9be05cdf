// `npm run bench`: runs every `*.bench.ts` in this folder, one child process each (a fresh JIT per
// benchmark, so one does not warm up or slow down the next), and prints their figures. Node runs with
// --expose-gc, so a benchmark can start a measurement without garbage left by the one before.
//
//   npm run bench                 every benchmark at full load; exits non-zero if any missed a target or failed
//   npm run bench -- parser       only the files whose name contains `parser`
//   npm run bench -- --smoke      every file to the end on a small load: checks that each runs and reports its
//                                 figures, not the targets (what CI runs)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { envWithProjectNode } from '../../scripts/projectNode.mjs';
import { TARGETS_MISSED_EXIT } from './benchMode';

const dir = __dirname;
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const only = args.filter((arg) => !arg.startsWith('--'));
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.some((part) => name.includes(part)))
  .sort();

let failed = 0;
let missed = 0;
for (const name of files) {
  console.log(`\n== ${name}${smoke ? ' (smoke: small load, targets not judged)' : ''}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(dir, name)], {
    stdio: 'inherit',
    env: envWithProjectNode(smoke ? { AMBIENT_BENCH_SMOKE: '1' } : {}),
  });
  const verdict = result.status === 0 ? 'ok' : result.status === TARGETS_MISSED_EXIT ? 'target(s) missed' : `FAILED (exit ${result.status ?? result.signal})`;
  console.log(`== ${name}: ${verdict} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status === TARGETS_MISSED_EXIT) missed++;
  else if (result.status !== 0) failed++;
}
console.log(`\n${files.length} benchmark file(s)${smoke ? ' (smoke)' : ''}: ${files.length - failed - missed} ok, ${missed} missed a target, ${failed} failed`);
process.exitCode = failed + missed > 0 ? 1 : 0;
