// `npm run bench`: runs every `*.bench.ts` in this folder, one child process each (a fresh JIT per
// benchmark, so one does not warm up or slow down the next), and prints their figures. Exits non-zero if
// any benchmark missed its target. Node runs with --expose-gc, so a benchmark can start a measurement
// without garbage left by the one before. `npm run bench -- parser` runs only the files whose name contains `parser`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { envWithProjectNode } from '../../scripts/projectNode.mjs';

const dir = __dirname;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.some((part) => name.includes(part)))
  .sort();

let failed = 0;
for (const name of files) {
  console.log(`\n== ${name}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(dir, name)], { stdio: 'inherit', env: envWithProjectNode() });
  console.log(`== ${name}: ${result.status === 0 ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (result.status !== 0) failed++;
}
console.log(`\n${files.length} benchmark file(s), ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
