import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryFields } from '../../../src/logs/fields';
import { parseZtunnelLine } from '../../../src/logs/parser';
import { earlyDeny, mtlsOutbound, versionBanner127 } from './ztunnelLines';

const time = '2026-11-03T09:59:05.028709Z';
const accessFields =
  'src.addr=10.244.1.12:60059 src.workload="curl-7d9c8b5f4-x2k8q" src.namespace="finance" src.identity="spiffe://cluster.local/ns/finance/sa/curl" ' +
  'dst.addr=10.244.2.7:15008 dst.hbone_addr="10.244.2.7:8080" dst.service="accounts.accounts.svc.cluster.local" dst.workload="accounts-5f6d7c8b9-abcde" ' +
  'dst.namespace="accounts" dst.identity="spiffe://cluster.local/ns/accounts/sa/accounts" direction="outbound" bytes_sent=175 bytes_recv=80 duration="1ms"';

function parse(line: string) {
  const entry = parseZtunnelLine(line);
  return { ...entry, fields: entryFields(entry) };
}

describe('plain format', () => {
  it('splits a tab-separated access log into time, level, scope, message and typed fields', () => {
    const entry = parse(`${time}\tinfo\taccess\tconnection complete\t${accessFields}`);
    assert.equal(entry.format, 'plain');
    assert.equal(entry.time, time);
    assert.equal(entry.level, 'info');
    assert.equal(entry.scope, 'access');
    assert.equal(entry.message, 'connection complete');
    assert.equal(entry.fields['src.workload'], 'curl-7d9c8b5f4-x2k8q');
    assert.equal(entry.fields['src.addr'], '10.244.1.12:60059');
    assert.equal(entry.fields['bytes_sent'], 175);
    assert.equal(entry.fields['duration'], '1ms');
    assert.deepEqual(Object.keys(entry.fields).slice(0, 3), ['src.addr', 'src.workload', 'src.namespace']);
  });

  it('reads the same line when a terminal turned the tabs into runs of spaces', () => {
    const tabbed = parse(`${time}\tinfo\taccess\tconnection complete\t${accessFields}`);
    const spaced = parse(`${time}    info    access    connection complete    ${accessFields}`);
    const single = parse(`${time} info access connection complete ${accessFields}`);
    for (const entry of [spaced, single]) {
      assert.equal(entry.message, tabbed.message);
      assert.equal(entry.scope, tabbed.scope);
      assert.deepEqual(entry.fields, tabbed.fields);
    }
  });

  it('accepts unquoted string values as well as quoted ones', () => {
    const quoted = parse(`${time}\tinfo\taccess\tconnection complete\tsrc.workload="curl" src.namespace="finance"`);
    const unquoted = parse(`${time}\tinfo\taccess\tconnection complete\tsrc.workload=curl src.namespace=finance`);
    assert.deepEqual(unquoted.fields, quoted.fields);
  });

  it('keeps spans in the scope and reads a line with no fields', () => {
    const entry = parse(`${time}\tinfo\txds::client:xds{id=8}\tStream established`);
    assert.equal(entry.scope, 'xds::client:xds{id=8}');
    assert.equal(entry.message, 'Stream established');
    assert.deepEqual(entry.fields, {});
  });

  it('keeps a span with spaces inside its braces as one scope', () => {
    const entry = parse(`${time}  warn  drain:proxy{wl=finance/curl id=3}  draining  timeout=5s`);
    assert.equal(entry.scope, 'drain:proxy{wl=finance/curl id=3}');
    assert.equal(entry.message, 'draining');
    assert.equal(entry.fields['timeout'], '5s');
  });

  it('reads an event with no message column (the DNS access log)', () => {
    for (const line of [`${time}\tinfo\tdns\tsrc.addr=10.0.0.1:5353 hostname="accounts" family=ipv4`, `${time}  info  dns  src.addr=10.0.0.1:5353 hostname="accounts" family=ipv4`]) {
      const entry = parse(line);
      assert.equal(entry.scope, 'dns');
      assert.equal(entry.message, '');
      assert.equal(entry.fields['hostname'], 'accounts');
    }
  });

  it('keeps a Display-formatted error with spaces as one value', () => {
    const entry = parse(`${time}\twarn\txds::client:xds{id=1}\tXDS client connection error\terror=io error: connection refused (os error 111) retry_in=100ms`);
    assert.equal(entry.fields['error'], 'io error: connection refused (os error 111)');
    assert.equal(entry.fields['retry_in'], '100ms');
  });

  it('unescapes quotes inside quoted values', () => {
    const entry = parse(`${time}\twarn\tproxy::inbound\trequest failed\terror="bad \\"header\\" value" bytes_sent=0`);
    assert.equal(entry.format, 'plain');
    assert.equal(entry.fields['error'], 'bad "header" value');
    assert.equal(entry.fields['bytes_sent'], 0);
  });

  it('reads a line without a timestamp', () => {
    const entry = parse(`info\taccess\tconnection complete\t${accessFields}`);
    assert.equal(entry.time, undefined);
    assert.equal(entry.level, 'info');
    assert.equal(entry.message, 'connection complete');
    assert.equal(entry.fields['dst.workload'], 'accounts-5f6d7c8b9-abcde');
  });

  it('strips ANSI colour codes', () => {
    const entry = parse(`\x1b[2m${time}\x1b[0m \x1b[32m info\x1b[0m \x1b[2minpod::statemanager\x1b[0m pod received, starting proxy name=\x1b[1mcurl\x1b[0m namespace=finance`);
    assert.equal(entry.time, time);
    assert.equal(entry.level, 'info');
    assert.equal(entry.fields['name'], 'curl');
    assert.ok(!JSON.stringify(entry).includes('\x1b'));
  });
});

describe('JSON format', () => {
  it('reads ztunnel JSON, keeping numbers as numbers and flattening span objects', () => {
    const entry = parse(
      // Istio 1.22–1.28 with LOG_FORMAT=json: the same fields, numbers as numbers.
      JSON.stringify({ level: 'info', time, scope: 'ztunnel::access', message: 'connection complete', 'src.addr': '10.244.1.12:60059', 'src.workload': 'curl', 'dst.addr': '10.244.2.7:8080', direction: 'outbound', bytes_sent: 16, bytes_recv: 20, duration: '1ms', proxy: { wl: 'finance/curl' } }),
    );
    assert.equal(entry.format, 'json');
    assert.equal(entry.time, time);
    assert.equal(entry.level, 'info');
    assert.equal(entry.scope, 'ztunnel::access');
    assert.equal(entry.message, 'connection complete');
    assert.equal(entry.fields['bytes_sent'], 16);
    assert.equal(entry.fields['proxy.wl'], 'finance/curl');
  });

  it("reads tracing-subscriber's JSON layout (timestamp, target, fields.message, uppercase level)", () => {
    const entry = parse(JSON.stringify({ timestamp: time, level: 'WARN', target: 'ztunnel::xds', fields: { message: 'retrying', attempt: 3 } }));
    assert.equal(entry.level, 'warn');
    assert.equal(entry.scope, 'ztunnel::xds');
    assert.equal(entry.message, 'retrying');
    assert.equal(entry.fields['attempt'], 3);
  });

  it('keeps a JSON value that is not an object, or broken JSON, as a raw line', () => {
    for (const line of ['{"level":"info",', '{not json}', '[1,2]']) {
      const entry = parse(line);
      assert.equal(entry.format, 'raw');
      assert.equal(entry.message, line);
    }
  });
});

describe('legacy format', () => {
  it('reads an uppercase level, spans and the ztunnel:: module path', () => {
    const entry = parse('2023-01-10T21:53:19.870018Z  INFO outbound{id=7f3a}: ztunnel::proxy::outbound: proxying to 10.244.2.7:8080 using HBONE via 10.244.2.7:15008 type=Direct');
    assert.equal(entry.format, 'legacy');
    assert.equal(entry.level, 'info');
    assert.equal(entry.scope, 'ztunnel::proxy::outbound:outbound{id=7f3a}');
    assert.equal(entry.message, 'proxying to 10.244.2.7:8080 using HBONE via 10.244.2.7:15008');
    assert.equal(entry.fields['type'], 'Direct');
  });

  it('reads a legacy line without spans', () => {
    const entry = parse('2024-03-26T00:41:05.518194Z  INFO ztunnel::inpod::statemanager: pod WorkloadUid("7ef61e18") received netns, starting proxy');
    assert.equal(entry.scope, 'ztunnel::inpod::statemanager');
    assert.equal(entry.message, 'pod WorkloadUid("7ef61e18") received netns, starting proxy');
  });
});

describe('prefixes', () => {
  const line = `${time}\tinfo\taccess\tconnection complete\t${accessFields}`;

  it('reads the pod and container from `kubectl logs --prefix`', () => {
    const entry = parse(`[pod/ztunnel-8x2kf/istio-proxy] ${line}`);
    assert.equal(entry.pod, 'ztunnel-8x2kf');
    assert.equal(entry.container, 'istio-proxy');
    assert.equal(entry.time, time);
    assert.equal(entry.class, 'mtls');
  });

  it('reads the pod and container from a stern-like `<pod> <container> ` prefix, also before JSON', () => {
    const plain = parse(`ztunnel-8x2kf istio-proxy ${line}`);
    assert.equal(plain.pod, 'ztunnel-8x2kf');
    assert.equal(plain.container, 'istio-proxy');
    assert.equal(plain.message, 'connection complete');
    const json = parse(`ztunnel-8x2kf istio-proxy {"level":"info","time":"${time}","message":"hi"}`);
    assert.equal(json.pod, 'ztunnel-8x2kf');
    assert.equal(json.message, 'hi');
  });

  it('reads a kubelet timestamp (`kubectl logs --timestamps`) in front of the line', () => {
    const entry = parse(`2026-11-03T09:59:05.028709123Z ${line}`);
    assert.equal(entry.time, time);
    assert.equal(entry.message, 'connection complete');
  });
});

describe('logs as users paste them: any prefix before the timestamp is the source', () => {
  // mtlsOutbound is an Istio 1.23–1.28 access line; the prefixes are what each tool writes in front of it.
  const cases: [string, string, { source: string; pod?: string; container?: string; podNamespace?: string }][] = [
    ['kubectl logs --prefix', `[pod/ztunnel-8x2kf/istio-proxy] ${mtlsOutbound}`, { source: '[pod/ztunnel-8x2kf/istio-proxy]', pod: 'ztunnel-8x2kf', container: 'istio-proxy' }],
    ['stern (pod container)', `ztunnel-8x2kf istio-proxy ${mtlsOutbound}`, { source: 'ztunnel-8x2kf istio-proxy', pod: 'ztunnel-8x2kf', container: 'istio-proxy' }],
    ['stern --all-namespaces (namespace pod container)', `istio-system ztunnel-8x2kf istio-proxy ${mtlsOutbound}`, { source: 'istio-system ztunnel-8x2kf istio-proxy', podNamespace: 'istio-system', pod: 'ztunnel-8x2kf', container: 'istio-proxy' }],
    ['a plain pod name (istio/ztunnel#1061, Istio 1.22)', `ztunnel-9tkd9 ${mtlsOutbound.replace(/\t/g, '    ')}`, { source: 'ztunnel-9tkd9', pod: 'ztunnel-9tkd9' }],
    ['kubetail ([pod])', `[ztunnel-8x2kf] ${mtlsOutbound}`, { source: '[ztunnel-8x2kf]', pod: 'ztunnel-8x2kf' }],
    ['a Loki / Grafana export', `2024-05-18 00:55:41.082 | ${mtlsOutbound} |`, { source: '2024-05-18 00:55:41.082' }],
    ['Grafana with a pod column', `2024-05-18 00:55:41.082 | ztunnel-8x2kf | ${mtlsOutbound} |`, { source: '2024-05-18 00:55:41.082 | ztunnel-8x2kf', pod: 'ztunnel-8x2kf' }],
  ];
  for (const [tool, line, expected] of cases) {
    it(`${tool}: the prefix is kept as the source, the rest parses as usual`, () => {
      const entry = parse(line);
      assert.equal(entry.source, expected.source);
      assert.equal(entry.pod, expected.pod);
      assert.equal(entry.container, expected.container);
      assert.equal(entry.podNamespace, expected.podNamespace);
      assert.equal(entry.level, 'info');
      assert.equal(entry.time, time);
      assert.equal(entry.message, 'connection complete');
      assert.equal(entry.class, 'mtls');
      assert.equal(entry.fields['duration'], '1ms', 'the closing `|` of an export is not part of the line');
    });
  }

  it('the version banner behind a prefix is other, with its pod', () => {
    const entry = parse(`istio-system ztunnel-8x2kf istio-proxy ${versionBanner127}`);
    assert.equal(entry.class, 'other');
    assert.equal(entry.pod, 'ztunnel-8x2kf');
  });

  it('text before a timestamp that is not followed by a record is not a prefix', () => {
    const line = `certificate expires at ${time} and nothing else`;
    const entry = parse(line);
    assert.equal(entry.class, 'unparsed');
    assert.equal(entry.pod, undefined);
    assert.equal(entry.source, undefined);
    assert.equal(entry.message, line);
  });
});

describe('lines that are not log records', () => {
  it('keeps them raw, whole, as the message', () => {
    for (const line of ['inpod_enabled: true', '  at ztunnel::proxy::run (src/proxy.rs:120)', 'Found 3 pods, using pod/ztunnel-jrxln', '']) {
      const entry = parse(line);
      assert.equal(entry.format, 'raw');
      assert.equal(entry.message, line);
      assert.equal(entry.class, 'unparsed');
    }
  });

  it('keeps the time of a timestamped line whose level is unknown', () => {
    const entry = parse(`${time} something happened`);
    assert.equal(entry.format, 'raw');
    assert.equal(entry.time, time);
    assert.equal(entry.message, 'something happened');
  });

  it('keeps HTML in a line as text', () => {
    const line = earlyDeny.replace(/error=".*"$/, 'error="<img src=x onerror=alert(1)><script>alert(2)</script>"');
    assert.equal(parse(line).fields['error'], '<img src=x onerror=alert(1)><script>alert(2)</script>');
  });
});

describe('robustness', () => {
  it('never throws on random bytes, and every entry has a message and a class', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const pieces = ['\t', ' ', '=', '"', '\\', '{', '}', '[pod/', '] ', '\x1b[', 'info', 'INFO', time, 'connection complete', 'src.identity=', ':15008', '\u0000', '\ud800'];
    for (let i = 0; i < 20000; i++) {
      let line = '';
      const length = Math.floor(random() * 40);
      for (let j = 0; j < length; j++) {
        line += random() < 0.3 ? pieces[Math.floor(random() * pieces.length)] : String.fromCharCode(Math.floor(random() * 0x10000));
      }
      const entry = parseZtunnelLine(line);
      assert.equal(typeof entry.message, 'string');
      assert.ok(['mtls', 'plaintext', 'tls-error', 'tls', 'other', 'unparsed'].includes(entry.class));
      assert.equal(typeof entryFields(entry), 'object');
    }
  });

  it('never throws on random bytes decoded as UTF-8', () => {
    let seed = 99;
    for (let i = 0; i < 5000; i++) {
      const bytes = Buffer.alloc(1 + (i % 200));
      for (let j = 0; j < bytes.length; j++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        bytes[j] = seed & 0xff;
      }
      const entry = parseZtunnelLine(bytes.toString('utf8'));
      entryFields(entry);
      assert.equal(typeof entry.class, 'string');
    }
  });
});
