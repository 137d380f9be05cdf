// `npm run --silent ztunnel:config -- FILE [-o json] [--with-headers]`: a saved ztunnel `/config_dump` (or
// `istioctl ztunnel-config all -o json` output, the same JSON) printed as `istioctl ztunnel-config all` prints it,
// or with `-o json` as one object of the five tables, rows keyed by istioctl's headers. The layout read goes to
// stderr, so stdout is exactly istioctl's text.
import { readFileSync } from 'node:fs';
import { formatAllTables, LAYOUT_DESCRIPTIONS, readZtunnelDump, TABLE_NAMES } from './ztunnelDump';

const USAGE = 'usage: npm run --silent ztunnel:config -- <config dump file> [-o json] [--with-headers]\n';

function main(argv: string[]): number {
  let file: string | undefined;
  let json = false;
  let withHeaders = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-o' || arg === '--output') {
      const format = argv[++i];
      if (format !== 'json' && format !== 'short') {
        process.stderr.write(`unknown output format ${JSON.stringify(format ?? '')}: use -o json\n${USAGE}`);
        return 2;
      }
      json = format === 'json';
    } else if (arg === '-ojson' || arg === '--output=json') json = true;
    else if (arg === '--with-headers') withHeaders = true;
    else if (file === undefined && !arg.startsWith('-')) file = arg;
    else {
      process.stderr.write(USAGE);
      return 2;
    }
  }
  if (file === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  const read = readZtunnelDump(text);
  if (!read.ok) {
    process.stderr.write(`${file}: ${read.error}\n`);
    return 1;
  }
  const { dump } = read;
  process.stderr.write(`${file}: ${LAYOUT_DESCRIPTIONS[dump.layout]}${dump.istioVersion ? `, Istio ${dump.istioVersion}` : ''}\n`);
  for (const name of TABLE_NAMES) if (dump.absent[name]) process.stderr.write(`${name}: ${dump.absent[name]}\n`);
  if (json) process.stdout.write(JSON.stringify(Object.fromEntries(TABLE_NAMES.map((name) => [name, dump.tables[name]])), null, 2) + '\n');
  else process.stdout.write(formatAllTables(dump.tables, withHeaders));
  return 0;
}

process.exitCode = main(process.argv.slice(2));
