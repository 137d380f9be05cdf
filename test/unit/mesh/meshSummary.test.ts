import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextDescription, contextDetail, isIstioInstalled, meshSummary, versionFromImage } from '../../../src/mesh/meshSummary';
import { daemonSet, istiod } from './fixtures';

describe('mesh summary of a context', () => {
  it('takes the istiod version from the image tag', () => {
    assert.equal(versionFromImage('docker.io/istio/pilot:1.28.3'), '1.28.3');
    assert.equal(versionFromImage('gcr.io/istio-release/pilot:1.28.3-distroless'), '1.28.3');
    assert.equal(versionFromImage('localhost:5000/istio/pilot'), undefined);
    assert.equal(versionFromImage('istio/pilot@sha256:abcd'), undefined);
  });

  it('reports istiod readiness, ztunnel and istio-cni ready counts, and the trust domain', () => {
    const summary = meshSummary({
      deployments: [istiod('docker.io/istio/pilot:1.28.3', 1, 1)],
      daemonSets: [daemonSet('ztunnel', 2, 3), daemonSet('istio-cni-node', 3, 3)],
      meshConfig: { data: { mesh: 'trustDomain: corp.example\n' } },
    });
    assert.deepEqual(summary.istiod, [{ name: 'istiod', version: '1.28.3', revision: undefined, ready: 1, desired: 1 }]);
    assert.deepEqual(summary.ztunnel, { ready: 2, desired: 3 });
    assert.deepEqual(summary.cni, { ready: 3, desired: 3 });
    assert.equal(summary.trustDomain, 'corp.example');
    assert.equal(summary.trustDomainConfigured, true);
    // Not ready on every node: the problem takes the version's place in the short line.
    assert.equal(contextDescription(summary, 2), 'ztunnel 2/3 · 2 ambient');
    assert.equal(contextDetail(summary, 2), 'istio 1.28.3 · ztunnel 2/3 · 2 ambient namespaces');
  });

  it('falls back to cluster.local when the ConfigMap does not set a trust domain', () => {
    const summary = meshSummary({ deployments: [], daemonSets: [], meshConfig: { data: { mesh: 'accessLogFile: /dev/stdout' } } });
    assert.equal(summary.trustDomain, 'cluster.local');
    assert.equal(summary.trustDomainConfigured, false);
  });

  it('says "no Istio" when neither istiod nor ztunnel exist', () => {
    const summary = meshSummary({ deployments: [], daemonSets: [] });
    assert.equal(isIstioInstalled(summary), false);
    assert.equal(contextDescription(summary, 0), 'no Istio');
  });

  it('names a sidecar-only install', () => {
    const summary = meshSummary({ deployments: [istiod('istio/pilot:1.27.0')], daemonSets: [] });
    assert.equal(contextDescription(summary, undefined), '1.27.0 · no ztunnel');
  });

  it('keeps the healthy line short enough for the default sidebar width (issue 11: summaries were cut)', () => {
    const summary = meshSummary({ deployments: [istiod('docker.io/istio/pilot:1.28.3', 1, 1)], daemonSets: [daemonSet('ztunnel', 3, 3), daemonSet('istio-cni-node', 3, 3)] });
    assert.equal(contextDescription(summary, 2), '1.28.3 · 2 ambient');
    assert.equal(contextDetail(summary, 2), 'istio 1.28.3 · ztunnel 3/3 · 2 ambient namespaces');
  });
});
