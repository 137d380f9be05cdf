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

  it('accepts openPolicy with a context and a DNS-1123 namespace and name, keeping only those fields', () => {
    assert.deepEqual(parseFromLogView({ type: 'openPolicy', context: 'cluster-1', namespace: 'accounts', name: 'deny-finance', command: 'x' }), { type: 'openPolicy', context: 'cluster-1', namespace: 'accounts', name: 'deny-finance' });
    assert.ok(parseFromLogView({ type: 'openPolicy', context: 'arn:aws:eks:eu-west-1:1:cluster/x', namespace: 'a', name: 'b.c' }));
  });

  it('refuses openPolicy with anything but names a policy can have', () => {
    for (const bad of [
      { type: 'openPolicy', context: '', namespace: 'accounts', name: 'p' },
      { type: 'openPolicy', context: 'cluster-1', namespace: '../etc', name: 'p' },
      { type: 'openPolicy', context: 'cluster-1', namespace: 'accounts', name: 'P' },
      { type: 'openPolicy', context: 'cluster-1', namespace: 'a'.repeat(64), name: 'p' },
      { type: 'openPolicy', context: 'cluster-1', namespace: 'accounts' },
      { type: 'openPolicy', context: 1, namespace: 'accounts', name: 'p' },
    ]) {
      assert.equal(parseFromLogView(bad), undefined, JSON.stringify(bad));
    }
  });
});
