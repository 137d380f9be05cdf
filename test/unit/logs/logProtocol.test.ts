// What the log view may send back: it shows untrusted log text, so its messages are accepted only in the shapes
// the app sends (an export names row numbers, never a file or a command).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFromLogView } from '../../../src/shared/logProtocol';

describe('messages from the log view', () => {
  it('accepts the five messages the app sends, keeping only their fields', () => {
    for (const type of ['ready', 'addContext', 'clear', 'openSettings'] as const) assert.deepEqual(parseFromLogView({ type, path: '/etc/passwd' }), { type });
    assert.deepEqual(parseFromLogView({ type: 'export', scope: 'all' }), { type: 'export', scope: 'all' });
    assert.deepEqual(parseFromLogView({ type: 'export', scope: 'visible', seqs: [3, 1, 2], file: '/tmp/x' }), { type: 'export', scope: 'visible', seqs: [3, 1, 2] });
  });

  it('refuses unknown types, another scope, and row numbers that are not whole numbers', () => {
    for (const bad of [null, 7, { type: 'run', command: 'workbench.action.terminal.new' }, { type: 'export', scope: 'disk' }, { type: 'export', scope: 'visible', seqs: 'all' }, { type: 'export', scope: 'visible', seqs: [1, -2] }, { type: 'export', scope: 'visible', seqs: [1.5] }, { type: 'export', scope: 'visible', seqs: ['1'] }]) {
      assert.equal(parseFromLogView(bad), undefined, JSON.stringify(bad));
    }
  });
});
