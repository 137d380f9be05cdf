// The log view's messages to the extension are untrusted: only well-formed ones pass, and `openPolicy`
// only with names a Kubernetes object can have.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFromLogView } from '../../../src/shared/logProtocol';

describe('messages from the log view', () => {
  it('accepts openPolicy with a context and a DNS-1123 namespace and name', () => {
    assert.equal(isFromLogView({ type: 'openPolicy', context: 'cluster-1', namespace: 'accounts', name: 'deny-finance' }), true);
    assert.equal(isFromLogView({ type: 'openPolicy', context: 'arn:aws:eks:eu-west-1:1:cluster/x', namespace: 'a', name: 'b.c' }), true);
  });

  it('refuses openPolicy with anything else', () => {
    for (const bad of [
      { type: 'openPolicy', context: '', namespace: 'accounts', name: 'p' },
      { type: 'openPolicy', context: 'cluster-1', namespace: '../etc', name: 'p' },
      { type: 'openPolicy', context: 'cluster-1', namespace: 'accounts', name: 'P' },
      { type: 'openPolicy', context: 'cluster-1', namespace: 'a'.repeat(64), name: 'p' },
      { type: 'openPolicy', context: 'cluster-1', namespace: 'accounts' },
      { type: 'openPolicy', context: 1, namespace: 'accounts', name: 'p' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
    ]) {
      assert.equal(isFromLogView(bad), false, JSON.stringify(bad));
    }
  });
});
