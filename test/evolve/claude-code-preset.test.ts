/** The claude-code preset's parts: its prompt (what the built-in agent knows), its command line and environment, its final words. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeArgv, claudeEnv, claudeSummary, findClaudeCode, type ClaudeInstall } from '../../src/evolve/jail/claude-code.ts';
import { agentPrompt } from '../../src/evolve/jail/prompt.ts';
import { siblingLessons } from '../../src/evolve/repo/context.ts';

const install: ClaudeInstall = { executable: '/opt/cc/bin/claude.exe', mounts: ['/opt/cc'], found: '/usr/local/bin/claude', version: '2.1.197 (Claude Code)' };

describe('the prompt', () => {
  it('carries the direction, the goal state, the history with failed siblings, the commands and the rules', () => {
    const lessons = siblingLessons([{ id: 'sib12345', goal: 'rewrite the parser', error: 'tests: 3 failed', status: 'failed' }], new Date(0));
    const prompt = agentPrompt({
      seedGoal: 'make the CLI faster', buildCmd: 'tsc -p .', testCmd: 'vitest run',
      context: { goalState: 'startup under 100 ms', history: [{ timestamp: 't', action: 'cache the config', result: 'success', details: 'saved 40 ms' }, ...lessons] },
    });
    for (const part of ['Direction of the run: make the CLI faster', 'Goal state so far (agent_context.json): startup under 100 ms',
      '- [success] cache the config: saved 40 ms', '- [failure] sibling sib12345 tried: rewrite the parser: failed: tests: 3 failed',
      '- build: `tsc -p .`', '- tests: `vitest run`', 'The existing tests are the specification', 'do not run git', 'Goal: <the one goal you chose']) {
      expect(prompt).toContain(part);
    }
  });

  it('shows the newest 20 entries of a long history and counts the rest', () => {
    const history = Array.from({ length: 25 }, (_, i) => ({ timestamp: 't', action: `step ${i}`, result: 'success' as const, details: 'x'.repeat(1000) }));
    const prompt = agentPrompt({ seedGoal: '', buildCmd: '', testCmd: 'npm test', context: { goalState: '', history } });
    expect(prompt).toContain('(5 older entries not shown)');
    expect(prompt).not.toContain('step 4:');
    expect(prompt).toContain('step 24:');
    expect(prompt).toContain('- build: none');
    expect(prompt.length).toBeLessThan(16_000);
  });
});

describe('the command and its environment', () => {
  it('runs headless, unattended, with the run\'s model and turns, and no web tools', () => {
    expect(claudeArgv(install, { model: 'claude-opus-4-7', maxTurns: 12, prompt: 'P' })).toEqual([
      '/opt/cc/bin/claude.exe', '-p', 'P', '--model', 'claude-opus-4-7', '--max-turns', '12', '--dangerously-skip-permissions',
      '--disallowedTools=WebFetch,WebSearch', '--output-format', 'stream-json', '--verbose',
    ]);
  });

  it('maps every model Claude Code would choose itself to the run\'s', () => {
    const env = claudeEnv('claude-opus-4-7');
    expect(env).toMatchObject({ IS_SANDBOX: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', CLAUDE_CODE_MAX_OUTPUT_TOKENS: '32000' });
    for (const name of ['ANTHROPIC_MODEL', 'ANTHROPIC_SMALL_FAST_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL', 'CLAUDE_CODE_SUBAGENT_MODEL']) {
      expect(env[name]).toBe('claude-opus-4-7');
    }
    expect(Object.keys(env).some((k) => /(_KEY|_TOKEN|_SECRET)$/.test(k))).toBe(false);
  });
});

describe('its final words', () => {
  it('are read from the last stream-json result line: the goal line and the summary, never a claim', () => {
    const out = [
      '{"type":"assistant","message":{}}',
      '{"type":"result","subtype":"success","is_error":false,"num_turns":7,"result":"Goal: cache parsed configs\\nCached them; tests pass."}',
      'some stderr line',
    ].join('\n');
    expect(claudeSummary(out)).toEqual({ goal: 'cache parsed configs', summary: 'Goal: cache parsed configs\nCached them; tests pass.', turns: 7, error: false, turnLimit: false });
    expect(claudeSummary('{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":3,"errors":["Reached maximum number of turns (2)"]}'))
      .toEqual({ goal: null, summary: 'Reached maximum number of turns (2)', turns: 3, error: true, turnLimit: true });
    expect(claudeSummary('{"type":"result","result":"**Goal:** tidy up"}')?.goal).toBe('tidy up');
    expect(claudeSummary('no json at all')).toBeNull();
    expect(claudeSummary('{"type":"result", broken')).toBeNull();
  });
});

describe('finding the installation', () => {
  it('follows node_modules/.bin/claude to its npm package, and binds node too for a JavaScript CLI', () => {
    const target = mkdtempSync(path.join(tmpdir(), 'evolve-find-claude-'));
    try {
      const pkg = path.join(target, 'node_modules', '@anthropic-ai', 'claude-code');
      mkdirSync(path.join(pkg, 'bin'), { recursive: true });
      writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@anthropic-ai/claude-code', version: '1.0.0' }));
      writeFileSync(path.join(pkg, 'bin', 'cli.js'), "#!/usr/bin/env node\nconsole.log('1.0.0 (Claude Code)');\n", { mode: 0o755 });
      mkdirSync(path.join(target, 'node_modules', '.bin'));
      symlinkSync('../@anthropic-ai/claude-code/bin/cli.js', path.join(target, 'node_modules', '.bin', 'claude'));
      const found = findClaudeCode(target, `${path.dirname(process.execPath)}:/usr/bin:/bin`);
      expect(found).toEqual({
        executable: path.join(realpathSync(pkg), 'bin', 'cli.js'), mounts: [realpathSync(pkg), path.dirname(process.execPath)],
        found: path.join(target, 'node_modules', '.bin', 'claude'), version: '1.0.0 (Claude Code)',
      });
      writeFileSync(path.join(pkg, 'bin', 'cli.js'), '#!/usr/bin/env node\nprocess.exit(3);\n', { mode: 0o755 });
      expect(() => findClaudeCode(target, '/usr/bin:/bin')).toThrow(/^--agent claude-code: .*claude does not run here/);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });
});
