// The tree menus of the namespace/workload commands, checked against contextValues built by the one
// grammar module: each command shows exactly on the nodes it applies to.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextValue } from '../../../src/mesh/contextValue';
import { ALL_COMMAND_IDS } from '../../../src/shared/commandIds';

interface MenuItem {
  command: string;
  when: string;
  group?: string;
}

const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8'));
const itemMenus: MenuItem[] = manifest.contributes.menus['view/item/context'];

/** Whether the item's `viewItem =~ /.../` clause (the only viewItem test our menus use) accepts `value`. */
function shows(item: MenuItem, value: string): boolean {
  const match = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(item.when);
  assert.ok(match, `${item.command}: no viewItem regex in ${item.when}`);
  return new RegExp(match[1]).test(value);
}

function where(command: string, group: string | RegExp): MenuItem {
  const item = itemMenus.find((m) => m.command === command && (typeof group === 'string' ? m.group === group : group.test(m.group ?? '')));
  assert.ok(item, `${command} has no menu entry in ${group}`);
  return item;
}

const plain = contextValue('namespace', []);
const sidecar = contextValue('namespace', ['sidecar']);
const ambient = contextValue('namespace', ['ambient', 'partial']);
const conflict = contextValue('namespace', ['ambient', 'sidecar', 'conflict']);

describe('namespace and workload menus', () => {
  it('Enroll in Ambient shows (inline too) only on namespaces that are not ambient', () => {
    for (const item of [where('ambient.namespace.enroll', /^inline/), where('ambient.namespace.enroll', /^1_ambient/)]) {
      assert.equal(shows(item, plain), true);
      assert.equal(shows(item, sidecar), true);
      assert.equal(shows(item, ambient), false);
      assert.equal(shows(item, conflict), false);
      assert.equal(shows(item, contextValue('workload', ['deployment'])), false);
    }
  });

  it('Remove from Ambient shows only on ambient namespaces; Restart Workloads inline only there too', () => {
    const remove = where('ambient.namespace.unenroll', /^1_ambient/);
    const restartInline = where('ambient.namespace.restartWorkloads', /^inline/);
    for (const item of [remove, restartInline]) {
      assert.equal(shows(item, ambient), true);
      assert.equal(shows(item, conflict), true);
      assert.equal(shows(item, plain), false);
    }
    assert.equal(shows(where('ambient.namespace.restartWorkloads', /^1_ambient/), plain), true, 'the context menu offers it on any namespace');
  });

  it('Restart Workload shows on Deployments, StatefulSets and DaemonSets only; Copy SPIFFE ID on pods', () => {
    const restart = where('ambient.workload.restart', /^1_ambient/);
    for (const kind of ['deployment', 'statefulset', 'daemonset'] as const) assert.equal(shows(restart, contextValue('workload', [kind, 'ambient'])), true);
    assert.equal(shows(restart, contextValue('workload', ['other'])), false);
    assert.equal(shows(restart, contextValue('workload', ['bare'])), false);
    const copy = where('ambient.pod.copyIdentity', /^7_copy/);
    assert.equal(shows(copy, contextValue('pod', ['captured'])), true);
    assert.equal(shows(copy, ambient), false);
  });

  it('every command of the extension sits in one palette category, Ambient Mesh, with the exact title', () => {
    const declared = new Map<string, { title: string; category?: string }>(manifest.contributes.commands.map((c: { command: string; title: string; category?: string }) => [c.command, c]));
    const expected = {
      'ambient.namespace.enroll': 'Enroll in Ambient',
      'ambient.namespace.unenroll': 'Remove from Ambient',
      'ambient.namespace.restartWorkloads': 'Restart Workloads',
      'ambient.workload.restart': 'Restart Workload',
      'ambient.namespace.enrollAcrossClusters': 'Enroll in Ambient on Clusters…',
      'ambient.pod.copyIdentity': 'Copy SPIFFE ID',
    };
    for (const [command, title] of Object.entries(expected)) {
      assert.deepEqual([declared.get(command)?.title, declared.get(command)?.category], [title, 'Ambient Mesh'], command);
    }
    const categories = new Set([...declared.values()].map((c) => c.category));
    assert.deepEqual([...categories], ['Ambient Mesh'], 'one category: the palette never mixes "Ambient:" and "Ambient Mesh:"');
  });

  it('declares exactly the commands the extension registers (shared/commandIds), and menus name only those', () => {
    const declared: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
    assert.deepEqual([...declared].sort(), [...ALL_COMMAND_IDS].sort());
    const menus = Object.entries(manifest.contributes.menus as Record<string, { command?: string }[]>);
    const unknown = menus.flatMap(([menu, items]) => items.filter((i) => i.command && !ALL_COMMAND_IDS.includes(i.command as never)).map((i) => `${menu}: ${i.command}`));
    assert.deepEqual(unknown, []);
  });
});
