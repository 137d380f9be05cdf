// The tree's redraw rule (src/views/redrawPlan.ts, vscode-free): lives here with the model it serves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MeshChange } from '../../../src/mesh/meshModel';
import { MAX_ROWS_PER_REFRESH, redrawPlan } from '../../../src/views/redrawPlan';

const rowsChange = (context: string, namespaces: string[], labelsChanged = false): MeshChange => ({ context, scope: 'namespaces', namespaces, labelsChanged });

describe('tree redraw plan', () => {
  it('a pod change redraws only its namespace row, once however many events arrived', () => {
    const plan = redrawPlan([rowsChange('c1', ['finance']), rowsChange('c1', ['finance']), rowsChange('c1', ['legacy'])], false);
    assert.equal(plan.all, false);
    assert.deepEqual([...plan.contexts], []);
    assert.deepEqual([...plan.rows.get('c1')!], ['finance', 'legacy']);
  });

  it('a label change redraws the whole context while "only ambient" filters the list', () => {
    assert.deepEqual([...redrawPlan([rowsChange('c1', ['finance'], true)], true).contexts], ['c1']);
    assert.deepEqual([...redrawPlan([rowsChange('c1', ['finance'], true)], false).contexts], []);
  });

  it('a context change (status, summary, namespace added or removed) covers its rows', () => {
    const plan = redrawPlan([rowsChange('c1', ['finance']), { context: 'c1', scope: 'cluster' }, rowsChange('c2', ['x'])], false);
    assert.deepEqual([...plan.contexts], ['c1']);
    assert.deepEqual([...plan.rows.keys()], ['c2']);
  });

  it('too many rows at once redraw the context instead', () => {
    const names = Array.from({ length: MAX_ROWS_PER_REFRESH + 1 }, (_, i) => `ns-${i}`);
    const plan = redrawPlan([rowsChange('c1', names)], false);
    assert.deepEqual([...plan.contexts], ['c1']);
    assert.equal(plan.rows.size, 0);
  });

  it('a kubeconfig change redraws everything', () => {
    assert.equal(redrawPlan([{ scope: 'kubeconfig' }], false).all, true);
  });
});
