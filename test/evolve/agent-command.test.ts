import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { EVOLVE_HOME, resolveAgentCommand } from '../../src/evolve/jail/agent.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'evolve-agent-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('no package.json, or one that is not JSON (a link read from git is its target path): the built-in agent', () => {
  expect(resolveAgentCommand(null).source).toBe('built-in');
  expect(resolveAgentCommand('/dev/stdin').source).toBe('built-in');
});

test('the built-in agent is compiled with evolve\'s own tsconfig, not one the target holds', async () => {
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { jsx: 'preserve' } }));
  const command = resolveAgentCommand(JSON.stringify({ name: 'target' }));
  expect(command.source).toBe('built-in');
  expect(command.argv).toContain(`TSX_TSCONFIG_PATH=${path.join(EVOLVE_HOME, 'tsconfig.json')}`);
  expect(command.argv.at(-1)).toBe(path.join(EVOLVE_HOME, 'src', 'agent', 'main.ts'));
});

test('a target\'s own evolve.agent runs like an npm script', async () => {
  expect(resolveAgentCommand(JSON.stringify({ name: 'target', evolve: { agent: 'node my-agent.mjs' } }))).toEqual({ argv: ['sh', '-c', 'node my-agent.mjs'], source: 'package.json' });
});
