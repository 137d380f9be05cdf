import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseZtunnelLine } from '../../../src/logs/parser';
import { connectionOpened, earlyDeny, mtlsOutbound, plaintextInbound, plaintextOutbound, policyDenied, t, tlsFailure, versionBanner127, xdsResponse } from './ztunnelLines';

const classOf = (line: string) => parseZtunnelLine(line).class;
/** The same access line with one field dropped (`key=value ` as written). */
const without = (line: string, key: string) => line.replace(new RegExp(`${key.replace(/\./g, '\\.')}=("[^"]*"|\\S+) ?`), '');

describe('classification', () => {
  it('an access log with a source or destination identity is mTLS (Istio 1.23–1.28 shapes)', () => {
    assert.equal(classOf(mtlsOutbound), 'mtls');
    assert.equal(classOf(connectionOpened), 'mtls');
    // Either identity alone is enough.
    assert.equal(classOf(without(without(without(mtlsOutbound, 'dst.identity'), 'dst.hbone_addr'), 'dst.addr').replace('src.identity', 'src.identity').replace(' direction', ' dst.addr=10.244.2.7:8080 direction')), 'mtls');
  });

  it('an access log over HBONE (hbone_addr, or port 15008) is mTLS even without identities', () => {
    const noIdentities = without(without(mtlsOutbound, 'src.identity'), 'dst.identity');
    assert.equal(classOf(noIdentities), 'mtls');
    assert.equal(classOf(without(noIdentities, 'dst.hbone_addr')), 'mtls', 'dst.addr on :15008');
    assert.equal(classOf(noIdentities.replace('dst.addr=10.244.2.7:15008', 'dst.addr=10.244.2.7:8080')), 'mtls', 'dst.hbone_addr');
    assert.equal(classOf(JSON.stringify({ level: 'info', time: t, scope: 'access', message: 'connection complete', 'src.addr': '10.244.1.12:60059', 'dst.addr': '10.244.2.7:15008', direction: 'outbound', bytes_sent: 1, bytes_recv: 2, duration: '1ms' })), 'mtls');
  });

  it('an access log with none of those is plain text, even if a name contains "tls"', () => {
    assert.equal(classOf(plaintextInbound), 'plaintext');
    assert.equal(classOf(plaintextOutbound), 'plaintext');
    assert.equal(classOf(plaintextOutbound.replace('grafana-55c8f9d7b-q7x2m', 'tls-client-55c8f9d7b-q7x2m').replace(/monitoring/g, 'mtls-demo')), 'plaintext');
    assert.equal(classOf(plaintextInbound.replace(':8080', ':1500')), 'plaintext', '1500 is not the HBONE port');
    assert.equal(classOf(plaintextInbound.replace(':8080', ':150080')), 'unparsed', 'no port has six digits');
    assert.equal(classOf(plaintextInbound.replace(' dst.addr', ' src.identity="" dst.addr')), 'plaintext', 'an empty identity says nothing');
    assert.equal(classOf(JSON.stringify({ level: 'info', time: t, scope: 'access', message: 'connection complete', 'src.addr': '10.0.0.1:1', 'dst.addr': '10.0.0.2:80', direction: 'inbound', bytes_sent: 0, bytes_recv: 0, duration: '0ms' })), 'plaintext');
  });

  it('a TLS handshake or certificate verification failure is a TLS error, on an access log too', () => {
    assert.equal(classOf(tlsFailure), 'tls-error');
    assert.equal(classOf(`${t}\twarn\tproxy::inbound\tTLS handshake failed\terror="received fatal alert: BadCertificate"`), 'tls-error');
    assert.equal(classOf(`${t}\twarn\txds::client:xds{id=1}\tXDS client connection error\terror="CERTIFICATE_VERIFY_FAILED"`), 'tls-error');
    assert.equal(classOf('2023-01-10T21:53:19.870018Z  WARN ztunnel::proxy: handshake failed: unexpected eof'), 'tls-error');
  });

  it('other lines about TLS, certificates or identities are TLS', () => {
    assert.equal(classOf(`${t}\tdebug\tidentity::manager\tfetching certificate\tidentity=spiffe://cluster.local/ns/a/sa/b`), 'tls');
    assert.equal(classOf(`${t}\tinfo\tcache\tcertificate refreshed\tttl=86400`), 'tls');
    assert.equal(classOf(`${t}\tinfo\tstate\tworkload updated\tidentity="spiffe://cluster.local/ns/a/sa/b"`), 'tls');
    assert.equal(classOf(`${t}\tdebug\tproxy\thandshake complete\tpeer=10.0.0.2`), 'tls');
  });

  it("ztunnel's version banner is other, though it names the crypto provider `tls-aws-lc` (Istio 1.27+)", () => {
    assert.equal(classOf(versionBanner127), 'other');
    // The 1.28.3 banner the test cluster writes (no CryptoProvider) too.
    assert.equal(classOf(`${t}\tinfo\tztunnel\tversion: version.BuildInfo{Version:"1.28.3", GitRevision:"4c1f845d", RustVersion:"1.89.0", BuildProfile:"release", BuildStatus:"Clean", GitTag:"1.28.3", IstioVersion:"1.28.3"}`), 'other');
  });

  it('an early deny (`connection failed`, written before ztunnel knows the identities) is neither mTLS nor plain text', () => {
    // It is a policy rejection, and says so; its other failures prove nothing about encryption.
    assert.equal(classOf(earlyDeny), 'denied');
    assert.equal(classOf(earlyDeny.replace(/error=".*"$/, 'error="connection closed due to policy change"')), 'other');
    assert.equal(classOf(earlyDeny.replace(':15008', ':8080').replace(/error=".*"$/, 'error="connection closed due to policy change"')), 'other');
  });

  it('a failed connection whose error ztunnel does not word as TLS or as a known failure gets no verdict', () => {
    assert.equal(classOf(policyDenied.replace(/error=".*"$/, 'error="something new"')), 'other');
  });

  it("a connection ztunnel's L4 authorization refused is denied, in both of ztunnel's wordings", () => {
    assert.equal(classOf(policyDenied), 'denied');
    assert.equal(classOf(policyDenied.replace('allow policies exist, but none allowed', 'explicitly denied by: bookinfo/deny-reviews')), 'denied');
    assert.equal(classOf(policyDenied.replace(/error=".*"$/, 'error="connection closed due to policy change"')), 'mtls', 'a policy change is not a rejection');
    // The source's ztunnel sees only the 401 of the HBONE CONNECT: an mTLS connection that failed, no policy named.
    assert.equal(classOf(policyDenied.replace('direction="inbound"', 'direction="outbound"').replace(/error=".*"$/, 'error="http status: 401 Unauthorized"')), 'mtls');
    // The JSON format (`LOG_FORMAT=json`) says the same.
    const json = JSON.stringify({ level: 'error', time: t, scope: 'access', message: 'connection complete', 'src.addr': '10.244.1.12:60059', 'src.identity': 'spiffe://cluster.local/ns/a/sa/b', 'dst.addr': '10.244.2.7:15008', direction: 'inbound', bytes_sent: 0, bytes_recv: 0, duration: '0ms', error: 'connection closed due to policy rejection: explicitly denied by: a/deny' });
    assert.equal(classOf(json), 'denied');
  });

  it('everything else is other, including a failure that is not about TLS', () => {
    assert.equal(classOf(xdsResponse), 'other');
    assert.equal(classOf(`${t}\twarn\txds::client:xds{id=1}\tXDS client connection error\terror=io error: connection refused (os error 111)`), 'other');
    assert.equal(classOf(`${t}\tinfo\tinpod::statemanager\tpod received, starting proxy\tname=curl namespace=finance`), 'other');
    assert.equal(classOf(`${t}\tinfo\tdns\tsrc.addr=10.0.0.1:5353 hostname="accounts"`), 'other');
  });
});
