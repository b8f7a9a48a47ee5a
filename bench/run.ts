/**
 * `npm run bench -- <name> [args...]` runs bench/<name>.ts exactly as `node --import tsx bench/<name>.ts [args...]`
 * would: process.argv is rewritten to that before the module is imported, so a bench reads its own arguments from
 * process.argv.slice(2) and may check `import.meta.url` against process.argv[1] to know it is the one being run.
 * Without a name, lists the benches there are.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  const file = join(here, `${name}.ts`);
  process.argv = [process.argv[0], file, ...args];
  await import(pathToFileURL(file).href);
}
