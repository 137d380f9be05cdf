import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseZtunnelLine } from '../../../src/logs/parser';

const t = '2026-11-03T09:59:05.028709Z';
const classOf = (line: string) => parseZtunnelLine(line).class;

describe('classification', () => {
  it('an access log with a source or destination identity is mTLS', () => {
    assert.equal(classOf(`${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:1 src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.0.0.2:8080`), 'mtls');
    assert.equal(classOf(`${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:1 dst.addr=10.0.0.2:8080 dst.identity=spiffe://cluster.local/ns/a/sa/b`), 'mtls');
    assert.equal(classOf(`${t}\tdebug\taccess\tconnection opened\tsrc.identity="spiffe://cluster.local/ns/a/sa/b"`), 'mtls');
  });

  it('an access log over HBONE (hbone_addr, or port 15008) is mTLS even without identities', () => {
    assert.equal(classOf(`${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:1 dst.addr=10.0.0.2:8080 dst.hbone_addr=10.0.0.2:8080`), 'mtls');
    assert.equal(classOf(`${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:1 dst.addr=10.0.0.2:15008 direction="outbound"`), 'mtls');
    assert.equal(classOf(`${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:1 dst.addr="10.0.0.2:15008"`), 'mtls');
    assert.equal(classOf(JSON.stringify({ level: 'info', time: t, scope: 'access', message: 'connection complete', 'dst.addr': '10.0.0.2:15008' })), 'mtls');
  });

  it('an access log with none of those is plain text, even if a name contains "tls"', () => {
    assert.equal(classOf(`${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:1 src.workload="tls-client" src.namespace="mtls-demo" dst.addr=10.0.0.2:8080 dst.service="tls.example"`), 'plaintext');
    assert.equal(classOf(`${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.0.0.1:1 dst.addr=10.0.0.2:150080`), 'plaintext');
    assert.equal(classOf(`${t}\tinfo\taccess\tconnection complete\tsrc.identity="" dst.addr=10.0.0.2:80`), 'plaintext');
    assert.equal(classOf(`${t}\twarn\taccess\tconnection failed\tsrc.addr=10.0.0.1:1 dst.addr=10.0.0.2:80 direction="inbound" error="connection refused"`), 'plaintext');
    assert.equal(classOf(JSON.stringify({ level: 'info', time: t, scope: 'access', message: 'connection complete', 'dst.addr': '10.0.0.2:80' })), 'plaintext');
  });

  it('a TLS handshake or certificate verification failure is a TLS error, on an access log too', () => {
    assert.equal(classOf(`${t}\twarn\tproxy::inbound\tTLS handshake failed\terror="received fatal alert: BadCertificate"`), 'tls-error');
    assert.equal(classOf(`${t}\terror\taccess\tconnection complete\tsrc.identity="spiffe://cluster.local/ns/a/sa/b" dst.addr=10.0.0.2:15008 error="tls handshake error: invalid peer certificate: UnknownIssuer"`), 'tls-error');
    assert.equal(classOf(`${t}\twarn\txds::client:xds{id=1}\tXDS client connection error\terror="CERTIFICATE_VERIFY_FAILED"`), 'tls-error');
    assert.equal(classOf('2023-01-10T21:53:19.870018Z  WARN ztunnel::proxy: handshake failed: unexpected eof'), 'tls-error');
    assert.equal(classOf(`${t} certificate verify failed: self-signed certificate in chain`), 'tls-error');
  });

  it('other lines about TLS, certificates or identities are TLS', () => {
    assert.equal(classOf(`${t}\tdebug\tidentity::manager\tfetching certificate\tidentity=spiffe://cluster.local/ns/a/sa/b`), 'tls');
    assert.equal(classOf(`${t}\tinfo\tcache\tcertificate refreshed\tttl=86400`), 'tls');
    assert.equal(classOf(`${t}\tinfo\tstate\tworkload updated\tidentity="spiffe://cluster.local/ns/a/sa/b"`), 'tls');
    assert.equal(classOf(`${t}\tdebug\tproxy\thandshake complete\tpeer=10.0.0.2`), 'tls');
  });

  it('everything else is other, including a failure that is not about TLS', () => {
    assert.equal(classOf(`${t}\tinfo\txds::client:xds{id=8}\treceived response\ttype_url="type.googleapis.com/istio.workload.Address" size=3 removes=0`), 'other');
    assert.equal(classOf(`${t}\twarn\txds::client:xds{id=1}\tXDS client connection error\terror=io error: connection refused (os error 111)`), 'other');
    assert.equal(classOf(`${t}\tinfo\tinpod::statemanager\tpod received, starting proxy\tname=curl namespace=finance`), 'other');
    assert.equal(classOf(`${t}\tinfo\tdns\tsrc.addr=10.0.0.1:5353 hostname="accounts"`), 'other');
  });
});
