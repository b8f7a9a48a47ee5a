import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { EVOLVE_HOME, resolveAgentChoice, resolveAgentCommand } from '../../src/evolve/jail/agent.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'evolve-agent-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('no package.json, or one that is not JSON (a link read from git is its target path): the built-in agent', async () => {
  expect((await resolveAgentCommand(null)).source).toBe('built-in');
  expect((await resolveAgentCommand('/dev/stdin')).source).toBe('built-in');
});

test('the built-in agent is compiled with evolve\'s own tsconfig, not one the target holds', async () => {
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { jsx: 'preserve' } }));
  const command = await resolveAgentCommand(JSON.stringify({ name: 'target' }));
  expect(command.source).toBe('built-in');
  expect(command.argv).toContain(`TSX_TSCONFIG_PATH=${path.join(EVOLVE_HOME, 'tsconfig.json')}`);
  expect(command.argv.at(-1)).toBe(path.join(EVOLVE_HOME, 'src', 'agent', 'main.ts'));
});

test('a target\'s own evolve.agent runs like an npm script', async () => {
  expect(await resolveAgentCommand(JSON.stringify({ name: 'target', evolve: { agent: 'node my-agent.mjs' } }))).toEqual({ argv: ['sh', '-c', 'node my-agent.mjs'], source: 'package.json' });
});

test('--agent overrides the workspace\'s package.json: builtin, or any shell command', async () => {
  const pkg = JSON.stringify({ name: 'target', evolve: { agent: 'node my-agent.mjs' } });
  expect((await resolveAgentCommand(pkg, { kind: 'builtin' })).source).toBe('built-in');
  expect(await resolveAgentCommand(pkg, { kind: 'command', command: 'aider --yes' })).toEqual({ argv: ['sh', '-c', 'aider --yes'], source: 'flag' });
  expect(resolveAgentChoice(null, dir)).toEqual({ kind: 'auto' });
  expect(resolveAgentChoice('builtin', dir)).toEqual({ kind: 'builtin' });
  expect(resolveAgentChoice('./my-agent.sh --fast', dir)).toEqual({ kind: 'command', command: './my-agent.sh --fast' });
});

test('--agent claude-code says in one line where it looked when there is no claude', () => {
  const saved = process.env.PATH;
  process.env.PATH = path.join(dir, 'nowhere');
  try {
    expect(() => resolveAgentChoice('claude-code', dir)).toThrow(UsageError);
    expect(() => resolveAgentChoice('claude-code', dir)).toThrow(`--agent claude-code: no "claude" in ${path.join(dir, 'node_modules', '.bin')} or on PATH`);
  } finally {
    process.env.PATH = saved;
  }
});
