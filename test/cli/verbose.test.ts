/**
 * Every command takes --verbose, and with it a usage error (exit 2) keeps its one line and adds where it was
 * raised and its cause chain (docs/troubleshooting.md: "Add --verbose to see the cause chain and stack").
 * Without --verbose it stays one line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evolveInProcess } from '../lineage/cli-helpers.ts';

let dir: string;
let notADb: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'evolve-qa-verbose-'));
  notADb = path.join(dir, 'notes.txt');
  writeFileSync(notADb, 'not a database\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const commands: [string, string[]][] = [
  ['lineage', ['lineage']], ['show', ['show', 'abcd1234']], ['export', ['export', '--format', 'json']],
  ['watch', ['watch']], ['adopt', ['adopt', 'abcd1234']], ['clean', ['clean']], ['report', ['report']],
];

describe.each(commands)('evolve %s on a file that is not a database', (_name, args) => {
  it('is one line without --verbose', async () => {
    const r = await evolveInProcess([...args, '--db', notADb]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`evolve: ${notADb} is not an SQLite database (left untouched)\n`);
  });

  it('adds the stack with --verbose, and no blank line', async () => {
    const r = await evolveInProcess([...args, '--db', notADb, '--verbose']);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(`evolve: ${notADb} is not an SQLite database (left untouched)`);
    expect(lines[1]).toMatch(/^UsageError: /);
    expect(lines[2]).toMatch(/^\s+at /);
    expect(r.stderr).not.toMatch(/\n\n/);
  });
});

it('shows the cause of a config file that is not JSON with --verbose', async () => {
  const config = path.join(dir, 'evolve.config.json');
  writeFileSync(config, '{"population": 3,}');
  const r = await evolveInProcess(['--config', config, '--verbose']);
  expect(r.code).toBe(2);
  expect(r.stderr.split('\n')[0]).toMatch(/^evolve: .*evolve\.config\.json: not valid JSON \(/);
  expect(r.stderr).toMatch(/^caused by: SyntaxError: /m);
});
