/**
 * A stray word after a real command (`evolve lineage extra`, `evolve show a b`) was reported as
 * "unknown command 'lineage'": the rewrite meant for a stray word landing on the default `run` command was applied
 * to every command. A known command with one word too many says so.
 */
import { expect, it } from 'vitest';
import { evolveInProcess } from '../lineage/cli-helpers.ts';

it.each([
  [['lineage', 'extra'], "evolve: too many arguments for 'lineage'. Expected 0 arguments but got 1.\n"],
  [['show', 'abcd1234', 'more'], "evolve: too many arguments for 'show'. Expected 1 argument but got 2.\n"],
])('evolve %j names the command it knows, exit 2', async (args, message) => {
  const r = await evolveInProcess(args);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(message);
});

it('still names a stray first word as an unknown command', async () => {
  const r = await evolveInProcess(['frobnicate']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe("evolve: unknown command 'frobnicate' (see evolve --help)\n");
});
