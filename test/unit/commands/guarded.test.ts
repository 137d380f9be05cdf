// The one wrapper every command runs in: what the user sees when the tree lost the rows, or a handler throws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guarded, SHOW_LOG } from '../../../src/commands/guarded';
import { ROWS_LOST_SENTENCE } from '../../../src/commands/target';

function recorder(choice?: string) {
  const shown: { severity: string; message: string; actions: string[] }[] = [];
  const logged: string[] = [];
  let revealed = 0;
  const deps = {
    host: {
      showMessage: async (severity: string, message: string, _options: object, ...actions: string[]) => {
        shown.push({ severity, message, actions });
        return choice;
      },
    },
    log: { info: (m: string) => logged.push(`info ${m}`), warn: (m: string) => logged.push(`warn ${m}`), error: (m: string) => logged.push(`error ${m}`), show: () => void revealed++ },
  };
  return { deps, shown, logged, revealed: () => revealed };
}

describe('guarded commands', () => {
  it('a handler that throws: one sentence naming the command, in the log too, with Show Log that reveals it', async () => {
    const r = recorder(SHOW_LOG);
    const run = guarded(r.deps, 'Check Ambient Health', async () => {
      throw new Error('cluster-2: the API server did not answer in time.');
    });
    assert.equal(await run(), undefined);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(r.shown, [{ severity: 'error', message: 'Check Ambient Health: cluster-2: the API server did not answer in time.', actions: [SHOW_LOG] }]);
    assert.deepEqual(r.logged, ['error Check Ambient Health: cluster-2: the API server did not answer in time.']);
    assert.equal(r.revealed(), 1);
  });

  it('rows the tree could not hand over: the handler never runs (no fallback to another cluster), and the user is told', async () => {
    const r = recorder();
    let ran = false;
    const run = guarded(r.deps, 'Remove from Ambient', async (..._args: unknown[]) => {
      ran = true;
    });
    await run(undefined, [undefined]);
    assert.equal(ran, false);
    assert.deepEqual(r.shown.map((s) => [s.severity, s.message]), [['warning', `Remove from Ambient: ${ROWS_LOST_SENTENCE}`]]);
  });

  it('passes the arguments and the result through when all is well (no arguments from the palette)', async () => {
    const r = recorder();
    assert.equal(await guarded(r.deps, 'Show ztunnel Logs', async (...args: unknown[]) => args.length)(), 0);
    assert.equal(await guarded(r.deps, 'Show ztunnel Logs', async (arg: { context: string }) => arg.context)({ context: 'east' }), 'east');
    assert.deepEqual(r.shown, []);
  });
});
