import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { EVOLVE_HOME, resolveAgentCommand } from '../../src/evolve/jail/agent.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'evolve-agent-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the built-in agent is compiled with evolve\'s own tsconfig, not one the target holds', async () => {
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'target' }));
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { jsx: 'preserve' } }));
  const command = await resolveAgentCommand(dir);
  expect(command.source).toBe('built-in');
  expect(command.argv).toContain(`TSX_TSCONFIG_PATH=${path.join(EVOLVE_HOME, 'tsconfig.json')}`);
  expect(command.argv.at(-1)).toBe(path.join(EVOLVE_HOME, 'src', 'agent', 'main.ts'));
});

test('a target\'s own evolve.agent runs like an npm script', async () => {
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'target', evolve: { agent: 'node my-agent.mjs' } }));
  expect(await resolveAgentCommand(dir)).toEqual({ argv: ['sh', '-c', 'node my-agent.mjs'], source: 'package.json' });
});
