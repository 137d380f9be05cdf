import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addressIp,
  connectionVerdict,
  curlArgv,
  curlExitMeaning,
  isCurlMissing,
  matchingEntries,
  parseTarget,
  verdictSettled,
  withAllowPolicies,
  type ConnectionQuery,
  type ConnectivityTarget,
} from '../../../src/mesh/connectivity';
import { fieldValue } from '../../../src/logs/fields';
import { parseZtunnelLine } from '../../../src/logs/parser';

function target(input: string, namespace = 'finance'): ConnectivityTarget {
  const parsed = parseTarget(input, namespace);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.target;
}

describe('parseTarget', () => {
  it('reads the seeds target, a Service FQDN with its port', () => {
    assert.deepEqual(target('accounts.accounts.svc.cluster.local:8080'), {
      url: 'accounts.accounts.svc.cluster.local:8080',
      host: 'accounts.accounts.svc.cluster.local',
      port: 8080,
      service: { name: 'accounts', namespace: 'accounts' },
    });
  });

  it('resolves short Service names the way cluster DNS does from the source namespace', () => {
    assert.deepEqual(target('accounts.accounts:8080').service, { name: 'accounts', namespace: 'accounts' });
    assert.deepEqual(target('ledger:9090').service, { name: 'ledger', namespace: 'finance' });
    assert.deepEqual(target('http://accounts.accounts.svc:8080/health').service, { name: 'accounts', namespace: 'accounts' });
  });

  it('accepts URLs and IPs, with default ports', () => {
    assert.equal(target('http://10.96.12.34/').port, 80);
    assert.equal(target('http://10.96.12.34/').service, undefined);
    assert.equal(target('https://example.com').port, 443);
  });

  it('refuses what curl would read as an option, spaces, and non-HTTP schemes', () => {
    for (const bad of ['-o/etc/passwd', 'accounts:8080 -v', 'file:///etc/passwd', '', 'http://:80']) {
      const parsed = parseTarget(bad, 'finance');
      assert.equal(parsed.ok, false, bad);
    }
  });
});

describe('curl', () => {
  it('runs as an argv `curl -s -m 5 <target>`, the target one element', () => {
    assert.deepEqual(curlArgv(target('accounts.accounts.svc.cluster.local:8080')), ['curl', '-s', '-m', '5', 'accounts.accounts.svc.cluster.local:8080']);
  });

  it('explains the exit codes users meet', () => {
    assert.match(curlExitMeaning(7), /could not connect/);
    assert.match(curlExitMeaning(28), /timed out/);
    assert.match(curlExitMeaning(56), /reset/);
  });

  it('recognises a pod without curl from the runtime wording or exit code 127', () => {
    assert.ok(isCurlMissing({ exitCode: 126, stderr: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown' }));
    assert.ok(isCurlMissing({ exitCode: 127, stderr: '' }));
    assert.ok(!isCurlMissing({ exitCode: 7, stderr: '' }));
  });

  it('reads the IP of an address with or without port, IPv6 in brackets', () => {
    assert.equal(addressIp('10.244.1.11:40000'), '10.244.1.11');
    assert.equal(addressIp('[fd00::1]:8080'), 'fd00::1');
    assert.equal(addressIp('10.244.1.11'), '10.244.1.11');
  });
});

// Access-log lines as ztunnel 1.28 writes them (plain format, tab-separated).
const mtlsOutbound =
  '2026-11-22T03:10:01.120000Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.11:51234 src.workload="curl-6c9f7d8b5-x2k4p" src.namespace="finance" src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.244.2.21:15008 dst.hbone_addr=10.244.2.21:8080 dst.service="accounts.accounts.svc.cluster.local" dst.workload="accounts-7d4b9c6f8-q8zrt" dst.namespace="accounts" dst.identity="spiffe://cluster.local/ns/accounts/sa/accounts" direction="outbound" bytes_sent=96 bytes_recv=230 duration="4ms"';
const plainInbound =
  '2026-11-22T03:10:01.130000Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.11:51234 src.workload="curl-6c9f7d8b5-x2k4p" src.namespace="finance" dst.addr=10.244.2.21:8080 dst.service="accounts.accounts.svc.cluster.local" dst.workload="accounts-7d4b9c6f8-q8zrt" dst.namespace="accounts" direction="inbound" bytes_sent=230 bytes_recv=96 duration="2ms"';
const otherSource =
  '2026-11-22T03:10:01.140000Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.99:40000 src.workload="billing-1" src.namespace="billing" src.identity="spiffe://cluster.local/ns/billing/sa/billing" dst.addr=10.244.2.21:15008 dst.service="accounts.accounts.svc.cluster.local" dst.identity="spiffe://cluster.local/ns/accounts/sa/accounts" direction="outbound"';
const earlier = mtlsOutbound.replace('03:10:01.12', '03:00:00.00');
const xdsLine = '2026-11-22T03:10:01.150000Z\tinfo\txds::client:xds{id=1}\treceived response\ttype_url="type.googleapis.com/istio.workload.Address"';

const query: ConnectionQuery = {
  sourcePod: 'curl-6c9f7d8b5-x2k4p',
  sourceNamespace: 'finance',
  sourceIp: '10.244.1.11',
  target: target('accounts.accounts.svc.cluster.local:8080'),
  startedAt: Date.parse('2026-11-22T03:10:01.000Z'),
};

describe('finding the access-log entry of the connection', () => {
  it('keeps entries of this source to this Service after curl started, dropping other sources, older lines and non-access lines', () => {
    const entries = [earlier, otherSource, xdsLine, mtlsOutbound, plainInbound].map(parseZtunnelLine);
    assert.deepEqual(matchingEntries(entries, query).map((e) => fieldValue(e, 'direction')), ['outbound', 'inbound']);
  });

  it('matches by source IP and destination pod IP when the entry names no workload or Service', () => {
    const bare = parseZtunnelLine('2026-11-22T03:10:02.000000Z\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.11:5000 dst.addr=10.244.2.21:8080 direction="inbound" bytes_sent=0 bytes_recv=0 duration="1ms"');
    assert.equal(matchingEntries([bare], { ...query, destinationIps: ['10.96.12.34', '10.244.2.21'] }).length, 1);
    assert.equal(matchingEntries([bare], query).length, 0);
  });
});

describe('connectionVerdict', () => {
  it('says mTLS with both SPIFFE identities when ztunnel logged them', () => {
    const verdict = connectionVerdict([mtlsOutbound, plainInbound].map(parseZtunnelLine), 5);
    assert.equal(verdict.kind, 'mtls');
    assert.equal(verdict.sourceIdentity, 'spiffe://cluster.local/ns/finance/sa/curl');
    assert.equal(verdict.destinationIdentity, 'spiffe://cluster.local/ns/accounts/sa/accounts');
    assert.equal(verdict.sentence, 'Mutual TLS: spiffe://cluster.local/ns/finance/sa/curl → spiffe://cluster.local/ns/accounts/sa/accounts.');
  });

  it('says plain text when the entry carries no identity', () => {
    const verdict = connectionVerdict([parseZtunnelLine(plainInbound)], 5);
    assert.equal(verdict.kind, 'plaintext');
    assert.match(verdict.sentence, /^Plain text/);
  });

  it('reports a failed handshake as such', () => {
    const failed = parseZtunnelLine(
      '2026-11-22T03:10:02.000000Z\terror\taccess\tconnection complete\tsrc.addr=10.244.1.11:5000 src.workload="curl-6c9f7d8b5-x2k4p" dst.addr=10.244.2.21:15008 dst.service="accounts.accounts.svc.cluster.local" direction="outbound" bytes_sent=0 bytes_recv=0 duration="3ms" error="TLS handshake failed: invalid peer certificate: UnknownIssuer"',
    );
    const verdict = connectionVerdict([failed], 5);
    assert.equal(verdict.kind, 'tls-error');
    assert.match(verdict.sentence, /UnknownIssuer/);
  });

  it("says which policy denied it, from the destination's line, over the source's mTLS 401", () => {
    // ztunnel 1.28 as the test cluster writes it: the source logs the CONNECT's 401, the destination the policy.
    const fields = 'src.addr=10.244.1.11:5000 src.workload="curl-6c9f7d8b5-x2k4p" src.namespace="finance" src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.244.2.21:15008 dst.hbone_addr=10.244.2.21:8080 dst.service="accounts.accounts.svc.cluster.local" dst.workload="accounts-5f6d7c8b9-abcde" dst.namespace="accounts" dst.identity="spiffe://cluster.local/ns/accounts/sa/accounts"';
    const outbound = parseZtunnelLine(`2026-11-22T03:10:02.000000Z\terror\taccess\tconnection complete\t${fields} direction="outbound" bytes_sent=0 bytes_recv=0 duration="0ms" error="http status: 401 Unauthorized"`);
    const inbound = parseZtunnelLine(`2026-11-22T03:10:02.000100Z\terror\taccess\tconnection complete\t${fields} direction="inbound" bytes_sent=0 bytes_recv=0 duration="0ms" error="connection closed due to policy rejection: explicitly denied by: accounts/deny-finance"`);
    const verdict = connectionVerdict([outbound, inbound], 5);
    assert.equal(verdict.kind, 'denied');
    assert.deepEqual(verdict.rejection, { kind: 'denied', namespace: 'accounts', name: 'deny-finance' });
    assert.equal(verdict.sentence, "Denied by accounts/deny-finance: ztunnel's L4 authorization refused the connection.");
    assert.equal(verdict.sourceIdentity, 'spiffe://cluster.local/ns/finance/sa/curl');
    const none = parseZtunnelLine(inbound.fieldsText ? `2026-11-22T03:10:02.000100Z\terror\taccess\tconnection complete\t${fields} direction="inbound" bytes_sent=0 bytes_recv=0 duration="0ms" error="connection closed due to policy rejection: allow policies exist, but none allowed"` : '');
    assert.match(connectionVerdict([outbound, none], 5).sentence, /^Denied: ALLOW policies apply, but none allowed it/);
  });

  it('an earlier refusal of the same pair does not outvote the connection that went through after it', () => {
    const refused = parseZtunnelLine('2026-11-22T03:10:01.000000Z\terror\taccess\tconnection complete\tsrc.addr=10.244.1.11:5000 src.workload="curl-6c9f7d8b5-x2k4p" src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.244.2.21:15008 dst.service="accounts.accounts.svc.cluster.local" direction="inbound" bytes_sent=0 bytes_recv=0 duration="0ms" error="connection closed due to policy rejection: allow policies exist, but none allowed"');
    const ok = parseZtunnelLine(mtlsOutbound);
    // Whatever order the ztunnels' logs were read in.
    assert.equal(connectionVerdict([refused, ok], 5).kind, 'mtls');
    assert.equal(connectionVerdict([ok, refused], 5).kind, 'mtls');
    const refusedLater = parseZtunnelLine(refused.fieldsText ? `2026-11-22T03:10:02.000000Z\terror\taccess\tconnection complete\t${refused.fieldsText}` : '');
    assert.equal(connectionVerdict([ok, refusedLater], 5).kind, 'denied');
  });

  it('a "none allowed" denial lists the ALLOW policies that apply to the destination', () => {
    const inbound = parseZtunnelLine('2026-11-22T03:10:02.000100Z\terror\taccess\tconnection complete\tsrc.addr=10.244.1.11:5000 src.workload="curl-6c9f7d8b5-x2k4p" src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.244.2.21:15008 dst.service="accounts.accounts.svc.cluster.local" direction="inbound" bytes_sent=0 bytes_recv=0 duration="0ms" error="connection closed due to policy rejection: allow policies exist, but none allowed"');
    const verdict = withAllowPolicies(connectionVerdict([inbound], 5), ['accounts/accounts-allow-web', 'istio-system/mesh-allow']);
    assert.deepEqual(verdict.allowPolicies, ['accounts/accounts-allow-web', 'istio-system/mesh-allow']);
    assert.match(verdict.sentence, / No rule of accounts\/accounts-allow-web, istio-system\/mesh-allow matched it\.$/);
    // Unread (forbidden), or another verdict: unchanged.
    assert.equal(withAllowPolicies(connectionVerdict([inbound], 5), undefined).allowPolicies, undefined);
    assert.equal(withAllowPolicies(connectionVerdict([parseZtunnelLine(mtlsOutbound)], 5), ['a/b']).allowPolicies, undefined);
  });

  it("waits for the destination's line while only the source's 401 is in", () => {
    const fields = 'src.addr=10.244.1.11:5000 src.workload="curl-6c9f7d8b5-x2k4p" src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.244.2.21:15008 dst.hbone_addr=10.244.2.21:8080 dst.service="accounts.accounts.svc.cluster.local"';
    const outbound = parseZtunnelLine(`2026-11-22T03:10:02.000000Z\terror\taccess\tconnection complete\t${fields} direction="outbound" bytes_sent=0 bytes_recv=0 duration="0ms" error="http status: 401 Unauthorized"`);
    const inbound = parseZtunnelLine(`2026-11-22T03:10:02.000100Z\terror\taccess\tconnection complete\t${fields} direction="inbound" bytes_sent=0 bytes_recv=0 duration="0ms" error="connection closed due to policy rejection: allow policies exist, but none allowed"`);
    assert.equal(verdictSettled([outbound]), false);
    assert.equal(verdictSettled([outbound, inbound]), true);
    assert.equal(verdictSettled([parseZtunnelLine(mtlsOutbound)]), true);
  });

  it('a connection ztunnel could not complete is a failure, never mTLS, and a blocked HBONE port says what to fix', () => {
    // ztunnel 1.28's outbound line when the peer's 15008 never answered (Error::MaybeHBONENetworkPolicyError;
    // the shape of the lines users post in istio/istio#52742): both identities named, nothing carried.
    const fields = 'src.addr=10.244.1.11:5000 src.workload="curl-6c9f7d8b5-x2k4p" src.namespace="finance" src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.244.2.21:15008 dst.hbone_addr=10.244.2.21:8080 dst.service="accounts.accounts.svc.cluster.local" dst.workload="accounts-7d4b9c6f8-q8zrt" dst.namespace="accounts" dst.identity="spiffe://cluster.local/ns/accounts/sa/accounts"';
    const blocked = parseZtunnelLine(`2026-11-22T03:10:11.130000Z\terror\taccess\tconnection complete\t${fields} direction="outbound" bytes_sent=0 bytes_recv=0 duration="10002ms" error="connection timed out, maybe a NetworkPolicy is blocking HBONE port 15008: deadline has elapsed"`);
    assert.equal(blocked.class, 'mtls', 'the log view still shows what was attempted');
    const verdict = connectionVerdict([blocked], 5);
    assert.equal(verdict.kind, 'failed');
    assert.match(verdict.sentence, /^HBONE blocked: ztunnel could not reach the destination pod on port 15008 in time/);
    assert.match(verdict.sentence, /A NetworkPolicy probably drops TCP 15008 into that pod/);
    assert.equal(verdict.sourceIdentity, undefined, 'no identities claimed for a connection that did not happen');
    // Any other failure ztunnel names: said in its words.
    const reset = parseZtunnelLine(`2026-11-22T03:10:02.000000Z\terror\taccess\tconnection complete\t${fields} direction="outbound" bytes_sent=0 bytes_recv=0 duration="3ms" error="io error: Connection reset by peer (os error 104)"`);
    assert.equal(connectionVerdict([reset], 5).kind, 'failed');
    assert.equal(connectionVerdict([reset], 5).sentence, 'The connection failed in the mesh: ztunnel logged "io error: Connection reset by peer (os error 104)".');
    // A connection of the same pair that went through after it is the answer; one before it (a quick re-run
    // lets it into the window) is not.
    assert.equal(connectionVerdict([blocked, parseZtunnelLine(mtlsOutbound.replace('03:10:01.12', '03:10:12.00'))], 5).kind, 'mtls');
    assert.equal(connectionVerdict([parseZtunnelLine(mtlsOutbound), blocked], 5).kind, 'failed');
    // While curl's failure waits for its line, that earlier success settles nothing; the blocked line does.
    assert.equal(verdictSettled([parseZtunnelLine(mtlsOutbound)], false), false);
    assert.equal(verdictSettled([parseZtunnelLine(mtlsOutbound), blocked], false), true);
  });

  it('says plain text when no ztunnel logged the connection within the wait (it bypassed the mesh)', () => {
    const verdict = connectionVerdict([], 5);
    assert.equal(verdict.kind, 'not-found');
    assert.match(verdict.sentence, /^Plain text: no ztunnel logged this connection within 5 s/);
  });

  it('does not guess when no ztunnel log could be read', () => {
    assert.equal(connectionVerdict([], 5, false).kind, 'unknown');
  });
});
