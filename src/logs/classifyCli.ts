// `npm run --silent logs:classify -- <file>`: one JSON object per input line, the same parse and class the
// log viewer uses: {"n","time","level","scope","message","fields","class"}.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { entryFields } from './fields';
import { parseZtunnelLine } from './parser';

function classifiedLine(n: number, line: string): string {
  const entry = parseZtunnelLine(line);
  return JSON.stringify({
    n,
    time: entry.time ?? null,
    level: entry.level ?? null,
    scope: entry.scope ?? null,
    message: entry.message,
    fields: entryFields(entry),
    class: entry.class,
  });
}

async function main(argv: string[]): Promise<number> {
  const file = argv[0];
  if (file === undefined || argv.length > 1) {
    process.stderr.write('usage: npm run --silent logs:classify -- <ztunnel log file>\n');
    return 2;
  }
  const input = createReadStream(file);
  const failure = new Promise<never>((_, reject) => input.once('error', reject));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let out = '';
  try {
    await Promise.race([
      failure,
      (async () => {
        for await (const line of lines) {
          out += classifiedLine(++n, line) + '\n';
          if (out.length > 1 << 16) {
            if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
            out = '';
          }
        }
      })(),
    ]);
  } catch (error) {
    process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(out);
  return 0;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
