import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spiffeId, trustDomainFromMeshConfig } from '../../../src/mesh/identity';

describe('SPIFFE identity', () => {
  it('is spiffe://<trust domain>/ns/<namespace>/sa/<service account>', () => {
    assert.equal(spiffeId('example.org', 'finance', 'ledger'), 'spiffe://example.org/ns/finance/sa/ledger');
  });
});

describe('trust domain from the istio ConfigMap mesh YAML', () => {
  it('reads the top-level trustDomain', () => {
    assert.equal(trustDomainFromMeshConfig('accessLogFile: /dev/stdout\ntrustDomain: corp.example\n'), 'corp.example');
  });

  it('accepts quotes and a trailing comment', () => {
    assert.equal(trustDomainFromMeshConfig('trustDomain: "quoted.example"'), 'quoted.example');
    assert.equal(trustDomainFromMeshConfig("trustDomain: 'single.example'"), 'single.example');
    assert.equal(trustDomainFromMeshConfig('trustDomain: plain.example # set by ops'), 'plain.example');
  });

  it('ignores a nested trustDomain key and returns undefined when unset', () => {
    assert.equal(trustDomainFromMeshConfig('defaultConfig:\n  trustDomain: nested.example\n'), undefined);
    assert.equal(trustDomainFromMeshConfig(undefined), undefined);
    assert.equal(trustDomainFromMeshConfig('trustDomain: ""\n'), undefined);
  });
});
