// ztunnel output in the shapes ztunnel itself writes (values are ours). The access-log fields and their order
// come from istio/ztunnel `src/proxy/metrics.rs` (`ConnectionResult::record`, `log_early_deny`, the
// `access_log!` macro), unchanged from Istio 1.22 (bare `dst.hbone_addr`, istio/ztunnel#946) through the
// 1.28 the labs deploy; the plain format (tab-separated time, level, target, message, fields) is ztunnel's
// `src/telemetry.rs`. Each constant says which release writes it and where the shape was seen.

export const t = '2026-11-03T09:59:05.028709Z';

/**
 * Istio 1.23–1.28: an outbound connection over HBONE, both identities (the shape of the lines in
 * istio/istio#55533, ztunnel 1.23.3, and istio/ztunnel#1273).
 */
export const mtlsOutbound =
  `${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.12:60059 src.workload="curl-7d9c8b5f4-x2k8q" src.namespace="finance" ` +
  'src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.244.2.7:15008 dst.hbone_addr=10.244.2.7:8080 ' +
  'dst.service="accounts.accounts.svc.cluster.local" dst.workload="accounts-5f6d7c8b9-abcde" dst.namespace="accounts" ' +
  'dst.identity="spiffe://cluster.local/ns/accounts/sa/accounts" direction="outbound" bytes_sent=175 bytes_recv=80 duration="1ms"';

/** Istio 1.23–1.28: inbound plain text from a client outside the mesh (no identities, no HBONE; istio/istio#53696). */
export const plaintextInbound =
  `${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.244.0.9:55909 dst.addr=10.244.2.7:8080 ` +
  'dst.service="accounts.accounts.svc.cluster.local" dst.workload="accounts-5f6d7c8b9-abcde" dst.namespace="accounts" ' +
  'direction="inbound" bytes_sent=0 bytes_recv=0 duration="0ms"';

/** Istio 1.23–1.28: outbound plain text to a workload outside the mesh (the source has no identity either). */
export const plaintextOutbound =
  `${t}\tinfo\taccess\tconnection complete\tsrc.addr=10.244.1.30:41822 src.workload="grafana-55c8f9d7b-q7x2m" src.namespace="monitoring" ` +
  'dst.addr=10.244.3.4:3100 dst.service="loki.monitoring.svc.cluster.local" dst.workload="loki-0" dst.namespace="monitoring" ' +
  'direction="outbound" bytes_sent=1520 bytes_recv=4411 duration="12ms"';

/** Istio 1.24–1.28: an inbound connection refused by policy, error level, identities kept (istio/ztunnel#1273). */
export const policyDenied =
  `${t}\terror\taccess\tconnection complete\tsrc.addr=10.244.1.6:42020 src.workload="reviews-v1-6584ddcf65-k78wz" src.namespace="bookinfo" ` +
  'src.identity="spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews" dst.addr=10.244.1.9:15008 dst.hbone_addr=10.244.1.9:9080 ' +
  'dst.service="productpage.bookinfo.svc.cluster.local" dst.workload="productpage-v1-d5789fdfb-c5w2c" dst.namespace="bookinfo" ' +
  'dst.identity="spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage" direction="inbound" bytes_sent=0 bytes_recv=0 duration="0ms" ' +
  'error="connection closed due to policy rejection: allow policies exist, but none allowed"';

/**
 * Istio 1.23–1.28: an HBONE connection whose peer certificate did not verify. ztunnel still names both
 * identities (it logs what the policy expected); the error is rustls' (`io error: invalid peer certificate: …`,
 * istio/ztunnel#1316, cherry-picked to release-1.23).
 */
export const tlsFailure =
  `${t}\terror\taccess\tconnection complete\tsrc.addr=10.244.1.12:60112 src.workload="curl-7d9c8b5f4-x2k8q" src.namespace="finance" ` +
  'src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.244.2.7:15008 dst.hbone_addr=10.244.2.7:8080 ' +
  'dst.service="accounts.accounts.svc.cluster.local" dst.workload="accounts-5f6d7c8b9-abcde" dst.namespace="accounts" ' +
  'dst.identity="spiffe://cluster.local/ns/accounts/sa/accounts" direction="outbound" bytes_sent=0 bytes_recv=0 duration="4ms" ' +
  'error="io error: invalid peer certificate: UnknownIssuer"';

/** Istio 1.22–1.28: `log_early_deny` (warn): addresses, direction and the error only. */
export const earlyDeny = `${t}\twarn\taccess\tconnection failed\tsrc.addr=10.244.1.12:60114 dst.addr=10.244.2.7:15008 direction="inbound" error="connection closed due to policy rejection: explicitly denied by: accounts/deny-finance"`;

/** Istio 1.22–1.28: `ConnectionResult::new` at debug, before any bytes moved. */
export const connectionOpened =
  `${t}\tdebug\taccess\tconnection opened\tsrc.addr=10.244.1.12:60059 src.workload="curl-7d9c8b5f4-x2k8q" src.namespace="finance" ` +
  'src.identity="spiffe://cluster.local/ns/finance/sa/curl" dst.addr=10.244.2.7:15008 dst.hbone_addr=10.244.2.7:8080 ' +
  'dst.service="accounts.accounts.svc.cluster.local" dst.workload="accounts-5f6d7c8b9-abcde" dst.namespace="accounts" ' +
  'dst.identity="spiffe://cluster.local/ns/accounts/sa/accounts" direction="outbound"';

/** Istio 1.27 and later: the first line, naming the crypto provider (istio/ztunnel#1545; seen in istio/ztunnel#1613). */
export const versionBanner127 =
  '2025-08-13T12:58:16.886633Z\tinfo\tztunnel\tversion: version.BuildInfo{Version:"1.27.0", GitRevision:"3f1b2c0d9e8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e", ' +
  'RustVersion:"1.87.0", BuildProfile:"release", BuildStatus:"Clean", IstioVersion:"1.27.0", CryptoProvider:"tls-aws-lc"}';

/** Istio 1.27 and later: the config dump after the banner is YAML, one line per key, without a timestamp. */
export const configDumpStart = ['2025-08-13T12:58:16.886868Z\tinfo\tztunnel\trunning with config: proxy: true', 'dnsProxy: true', 'windowSize: 4194304', "inboundAddr: '[::]:15008'"];

/** Istio 1.22–1.28 XDS lines (`xds::client`). */
export const xdsResponse = `${t}\tinfo\txds::client:xds{id=2}\treceived response\ttype_url="type.googleapis.com/istio.workload.Address" size=12 removes=0`;

/** Every access line above, for the property test. */
export const accessLines = [mtlsOutbound, plaintextInbound, plaintextOutbound, policyDenied, tlsFailure, earlyDeny, connectionOpened];
