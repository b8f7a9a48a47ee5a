/**
 * `npm run bench -- <name> [args...]` runs bench/<name>.ts. A bench module either does its work when imported or
 * exports a default function `(args: string[]) => unknown | Promise<unknown>`; a returned value is printed as JSON.
 * Without a name, lists the benches there are.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h') {
  process.stdout.write(`usage: npm run bench -- <name> [args...]\nbenches: ${available.join(', ') || 'none'}\n`);
  process.exitCode = name === undefined ? 2 : 0;
} else if (!available.includes(name)) {
  process.stderr.write(`bench: no bench named ${JSON.stringify(name)} (benches: ${available.join(', ')})\n`);
  process.exitCode = 2;
} else {
  const module = (await import(`./${name}.ts`)) as { default?: unknown };
  if (typeof module.default === 'function') {
    const result = await (module.default as (args: string[]) => unknown)(args);
    if (result !== undefined) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  }
}
