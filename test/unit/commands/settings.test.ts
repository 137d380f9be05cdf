// The settings a user sees in the Settings editor (package.json) are the ones the code reads, with the same
// defaults: a key added in one place only, or a default changed in one, fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CONFIG_SECTION, SETTING_DEFAULTS } from '../../../src/shared/settings';

const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8'));
const declared: Record<string, { default?: unknown }> = manifest.contributes.configuration.properties;

describe('settings', () => {
  it('package.json declares exactly the keys of SETTING_DEFAULTS, each with the same default', () => {
    const keys = Object.keys(SETTING_DEFAULTS).map((key) => `${CONFIG_SECTION}.${key}`);
    assert.deepEqual(Object.keys(declared).sort(), [...keys].sort());
    for (const [key, value] of Object.entries(SETTING_DEFAULTS)) assert.deepEqual(declared[`${CONFIG_SECTION}.${key}`].default, value, key);
  });
});
