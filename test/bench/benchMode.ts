// How a benchmark was asked to run. `npm run bench -- --smoke` runs every file to the end on a small load
// (CI's check that each one still runs and reports its figures); its figures are printed but the targets
// are not judged, since a small load measures little.
export const SMOKE = process.env.AMBIENT_BENCH_SMOKE === '1';

/** Exit code of a benchmark that ran to the end but missed a target (a crash exits 1). */
export const TARGETS_MISSED_EXIT = 2;

/** A load size: the environment's override, else the smoke or the full figure. */
export function loadSize(variable: string, full: number, smoke: number): number {
  const override = process.env[variable];
  return override !== undefined && override !== '' ? Number(override) : SMOKE ? smoke : full;
}

/** The exit code for a benchmark that ran to the end with `missed` targets missed. */
export function exitCodeFor(missed: number): number {
  return missed > 0 && !SMOKE ? TARGETS_MISSED_EXIT : 0;
}
