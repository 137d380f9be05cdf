// The log view's state without its DOM (src/webview/app/logViewModel.ts): follow and pause, the cap, the filters
// and the counters a user reads. Rows are parsed from ztunnel lines in the shapes Istio 1.23–1.28 write
// (test/unit/logs/ztunnelLines.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseZtunnelLine } from '../../../src/logs/parser';
import { defaultFilters } from '../../../src/shared/logProtocol';
import type { LogRow } from '../../../src/shared/logProtocol';
import { LogViewModel } from '../../../src/webview/app/logViewModel';
import { mtlsOutbound, plaintextInbound, policyDenied } from './ztunnelLines';

let seq = 0;
function row(line: string, pod: string, timeKey: number): LogRow {
  return { ...parseZtunnelLine(line), pod, seq: ++seq, timeKey };
}

const seqs = (rows: readonly LogRow[]) => rows.map((r) => r.seq);

describe('log view state', () => {
  it('following: rows show in time order and are counted by class, pod and policy', () => {
    const model = new LogViewModel(100, defaultFilters, true);
    const a = row(mtlsOutbound, 'ztunnel-a', 2);
    const b = row(plaintextInbound, 'ztunnel-b', 1);
    const c = row(policyDenied, 'ztunnel-b', 3);
    model.add([a, b, c]);
    assert.deepEqual(seqs(model.visible), [b.seq, a.seq, c.seq]);
    assert.deepEqual([model.counts.entries, model.counts.mtls, model.counts.plaintext, model.counts.denied], [3, 1, 1, 1]);
    assert.deepEqual([...model.counts.byPod], [['ztunnel-a', 1], ['ztunnel-b', 2]]);
    assert.deepEqual([...model.counts.byPolicy], [['no ALLOW matched', 1]]);
  });

  it('paused: new rows wait (not shown, not counted); Resume adds each exactly once, in time order', () => {
    const model = new LogViewModel(100, defaultFilters, true);
    const first = row(mtlsOutbound, 'ztunnel-a', 10);
    model.add([first]);
    model.setFollow(false);
    const late = [row(mtlsOutbound, 'ztunnel-a', 12), row(plaintextInbound, 'ztunnel-b', 11)];
    model.add(late);
    assert.equal(model.pausedCount, 2);
    assert.deepEqual(seqs(model.visible), [first.seq]);
    assert.equal(model.counts.entries, 1);
    model.setFollow(true);
    assert.equal(model.pausedCount, 0);
    assert.deepEqual(seqs(model.visible), [first.seq, late[1].seq, late[0].seq]);
    assert.equal(model.counts.entries, 3);
    model.setFollow(true);
    assert.equal(model.length, 3, 'resuming twice adds nothing twice');
  });

  it('at the cap the oldest go, from the view and from the counts, and are counted as dropped (paused ones too)', () => {
    const model = new LogViewModel(3, defaultFilters, true);
    const rows = [1, 2, 3, 4, 5].map((t) => row(mtlsOutbound, `ztunnel-${t % 2}`, t));
    model.add(rows);
    assert.deepEqual(seqs(model.visible), seqs(rows.slice(2)));
    assert.equal(model.counts.entries, 3);
    assert.equal(model.counts.mtls, 3);
    assert.equal(model.dropped, 2);
    model.setFollow(false);
    model.add([6, 7, 8, 9].map((t) => row(mtlsOutbound, 'ztunnel-0', t)));
    assert.equal(model.pausedCount, 3, 'no more held than the cap');
    assert.equal(model.dropped, 3);
  });

  it('filters narrow what is shown, not what is kept or counted; clear empties everything', () => {
    const model = new LogViewModel(100, defaultFilters, true);
    model.add([row(mtlsOutbound, 'ztunnel-a', 1), row(plaintextInbound, 'ztunnel-a', 2), row(policyDenied, 'ztunnel-a', 3)]);
    model.setFilters({ ...defaultFilters, class: 'denied' });
    assert.deepEqual(model.visible.map((r) => r.class), ['denied']);
    model.add([row(mtlsOutbound, 'ztunnel-a', 4), row(policyDenied, 'ztunnel-a', 5)]);
    assert.deepEqual(model.visible.map((r) => r.timeKey), [3, 5], 'new rows go through the same filter');
    assert.equal(model.counts.entries, 5);
    model.setFilters({ ...defaultFilters, search: 'productpage' });
    assert.deepEqual(model.visible.map((r) => r.timeKey), [3, 5], 'a search over every row kept');
    model.clear();
    assert.deepEqual([model.length, model.visible.length, model.counts.entries, model.counts.byPod.size, model.counts.byPolicy.size, model.dropped], [0, 0, 0, 0, 0, 0]);
  });
});
