// What a verify webview may send back. It is a browser page showing untrusted text: a message is accepted only in
// the shapes the app sends, and a fix is only ever an index into the report the extension offered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFromVerifyWebview } from '../../../src/shared/verifyProtocol';

describe('messages from a verify webview', () => {
  it('accepts ready, rerun and runFix with three non-negative integer indexes, dropping any other field', () => {
    assert.deepEqual(parseFromVerifyWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromVerifyWebview({ type: 'rerun', command: 'workbench.action.terminal.new' }), { type: 'rerun' });
    assert.deepEqual(parseFromVerifyWebview({ type: 'runFix', report: 0, check: 4, fix: 1, command: 'x', args: ['y'] }), { type: 'runFix', report: 0, check: 4, fix: 1 });
  });

  it('refuses a named command, unknown types, and indexes that are not small whole numbers', () => {
    for (const bad of [
      undefined,
      null,
      'runFix',
      { type: 'runCommand', command: 'ambient.namespace.enroll', args: [{ context: 'c', namespace: 'n' }] },
      { type: 'runFix', report: 0, check: 0 },
      { type: 'runFix', report: '0', check: 0, fix: 0 },
      { type: 'runFix', report: -1, check: 0, fix: 0 },
      { type: 'runFix', report: 0.5, check: 0, fix: 0 },
      { type: 'runFix', report: 0, check: Number.NaN, fix: 0 },
      { type: '__proto__' },
    ]) {
      assert.equal(parseFromVerifyWebview(bad), undefined, JSON.stringify(bad));
    }
  });
});
