import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextValue, parseContextValue, whenViewItem } from '../../../src/mesh/contextValue';

describe('contextValue grammar', () => {
  it('writes base then flags in a fixed order, whatever order they are given in', () => {
    assert.equal(contextValue('namespace', ['partial', 'ambient']), 'namespace+ambient+partial');
    assert.equal(contextValue('namespace', ['ambient', 'partial']), 'namespace+ambient+partial');
  });

  it('drops false and undefined flags, so conditions can be written inline', () => {
    assert.equal(contextValue('context', [false, 'current', undefined]), 'context+current');
    assert.equal(contextValue('namespace', []), 'namespace');
  });

  it('parses back into base and flags', () => {
    const parsed = parseContextValue('pod+notCaptured');
    assert.equal(parsed.base, 'pod');
    assert.ok(parsed.flags.has('notCaptured'));
  });

  it('gives when clauses that match exactly the nodes carrying the flag', () => {
    const clause = whenViewItem('namespace', 'ambient');
    const regex = new RegExp(/\/(.*)\//.exec(clause)![1]);
    assert.ok(regex.test('namespace+ambient+partial'));
    assert.ok(regex.test('namespace+ambient'));
    assert.ok(!regex.test('namespace+sidecar'));
    assert.ok(!regex.test('pod+captured'));
    const meshOnly = new RegExp(/\/(.*)\//.exec(whenViewItem('mesh'))![1]);
    assert.ok(meshOnly.test('mesh+degraded'));
    assert.ok(!meshOnly.test('meshComponent'));
  });
});
