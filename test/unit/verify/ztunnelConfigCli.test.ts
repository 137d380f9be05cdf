// The `ztunnel:config` command line on the ztunnel 1.28.3 and 1.20.8 fixtures (see ztunnelDump.test.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const fixture = (release: string) => join(import.meta.dirname, 'fixtures', `configDump-${release}.json`);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/mesh/ztunnelConfigCli.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ztunnel:config command line', () => {
  it('prints the five tables as `istioctl ztunnel-config all` does, the layout on stderr', () => {
    const { code, stdout, stderr } = run(fixture('1.28'));
    assert.equal(code, 0);
    const headerLines = stdout.split('\n').filter((l) => /^(NAMESPACE|CERTIFICATE NAME|WORKLOAD) /.test(l)).map((l) => l.split(/ {1,}/).slice(0, 2).join(' '));
    assert.deepEqual(headerLines, ['NAMESPACE POD', 'NAMESPACE SERVICE', 'NAMESPACE POLICY', 'CERTIFICATE NAME', 'WORKLOAD DIRECTION']);
    assert.match(stdout, /^accounts {5}accounts-6b7f9c8d4-p4k7z {2}10\.244\.1\.20,fd00:10:244:1::14 ambient-worker {2}waypoint HBONE$/m);
    assert.match(stderr, /ztunnel 1\.26\+ layout .*Istio 1\.28\.3/);
  });

  it('with -o json prints one object of the five tables, rows keyed by istioctl\'s headers', () => {
    const { code, stdout } = run(fixture('1.20'), '-o', 'json');
    assert.equal(code, 0);
    const out = JSON.parse(stdout) as Record<string, Record<string, string>[]>;
    assert.deepEqual(Object.keys(out), ['workloads', 'services', 'policies', 'certificates', 'connections']);
    assert.deepEqual(out.services[0], { NAMESPACE: 'accounts', 'SERVICE NAME': 'accounts', 'SERVICE VIP': '10.96.44.20,fd00:10:96::2c14', WAYPOINT: 'None', ENDPOINTS: '1/2' });
    assert.deepEqual(Object.keys(out.certificates[0]), ['CERTIFICATE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE']);
  });

  it('refuses a file that is not a config dump with one sentence and exit status 1', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zc-')), 'dump.json');
    writeFileSync(file, '{"configs": []}');
    const { code, stdout, stderr } = run(file);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /This is not a ztunnel config dump: it is a JSON object with the key configs/);
  });
});
