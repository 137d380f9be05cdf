// The one base for what an object owns: released once, newest first, and nothing leaks when handed over late.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Disposable } from '../../../src/shared/disposable';

class Owner extends Disposable {
  take(name: string, log: string[]) {
    return this.own({ dispose: () => log.push(name) });
  }
}

describe('Disposable', () => {
  it('releases what it owns once, newest first', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.take('subscription', log);
    owner.take('emitter', log);
    assert.equal(owner.isDisposed, false);
    owner.dispose();
    owner.dispose();
    assert.deepEqual(log, ['emitter', 'subscription']);
    assert.equal(owner.isDisposed, true);
  });

  it('releases at once what it is given after disposal (a late subscription does not leak)', () => {
    const log: string[] = [];
    const owner = new Owner();
    owner.dispose();
    owner.take('late', log);
    assert.deepEqual(log, ['late']);
  });
});
