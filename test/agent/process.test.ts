/**
 * The real agent process (node --import tsx src/agent/main.ts, a pipe on fd 3) against the stand-in, on a
 * temporary git repository — the way the runner starts it, minus the jail.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProgressLine, type ProgressLine } from '../../src/agent/protocol.ts';
import {
  agentAttemptScript, apiError, budgetExhausted, forcedTool, rateLimited, reply, startStandin, text, toolUse, type Script, type Standin,
} from '../../src/standin/index.ts';

const MAIN = fileURLToPath(new URL('../../src/agent/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

let standin: Standin | undefined;
afterEach(async () => {
  await standin?.close();
  standin = undefined;
});

async function repo(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'evolve-agent-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  await writeFile(join(dir, 'README.md'), '# target\n');
  for (const [path, content] of Object.entries(files)) await writeFile(join(dir, path), content);
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'seed');
  return dir;
}

interface Run { code: number | null; lines: ProgressLine[]; garbage: string[]; stdout: string; stderr: string; ms: number }

function runAgent(cwd: string, env: Record<string, string>, options: { withFd3?: boolean } = {}): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd,
      ANTHROPIC_BASE_URL: standin!.url, ANTHROPIC_API_KEY: 'candidate-token',
      EVOLVE_MODEL: 'claude-sonnet-5', EVOLVE_SEED_GOAL: 'Greet the world', EVOLVE_TEST_CMD: 'test -f hello.txt',
      EVOLVE_MAX_TURNS: '12', EVOLVE_PROGRESS_FD: '3', EVOLVE_API_MAX_RETRIES: '2', EVOLVE_API_TIMEOUT_MS: '5000',
      ...env,
    },
    stdio: options.withFd3 === false ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let progress = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  child.stdio[3]?.on('data', (c: Buffer) => (progress += c));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const raw = progress.split('\n').filter(Boolean);
      const lines = raw.map(parseProgressLine).filter((l): l is ProgressLine => l !== null);
      resolve({ code, lines, garbage: raw.filter((l) => parseProgressLine(l) === null), stdout, stderr, ms: Date.now() - started });
    });
  });
}

const resultOf = (run: Run) => {
  const results = run.lines.filter((l) => l.type === 'result');
  expect(results).toHaveLength(1);
  expect(run.lines.at(-1)).toBe(results[0]);
  return results[0] as Extract<ProgressLine, { type: 'result' }>;
};
const readContext = async (dir: string) => JSON.parse(await readFile(join(dir, 'agent_context.json'), 'utf8'));
const play = agentAttemptScript({ goal: 'Add hello.txt with a greeting', edits: [{ path: 'hello.txt', content: 'hello, world\n' }] });

describe('the agent process', () => {
  it('succeeds: the files really change, the context is appended, progress only on fd 3', async () => {
    const dir = await repo();
    await writeFile(join(dir, 'agent_context.json'), JSON.stringify({ goalState: 'older goal', history: [{ timestamp: 't', action: 'sibling_failed', result: 'failure', details: 'tried X' }] }));
    standin = await startStandin({ script: play });
    const run = await runAgent(dir, {});
    expect(run.code).toBe(0);
    expect(run.garbage).toEqual([]);
    expect(run.stdout).toBe('');
    expect(resultOf(run)).toMatchObject({ success: true, goal: 'Add hello.txt with a greeting' });
    expect(await readFile(join(dir, 'hello.txt'), 'utf8')).toBe('hello, world\n');
    const context = await readContext(dir);
    expect(context.goalState).toBe('Add hello.txt with a greeting');
    expect(context.history.map((e: { action: string }) => e.action)).toEqual(['sibling_failed', 'goal_decision', 'plan', 'self_check', 'modification']);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toMatch(/hello\.txt/);
    const first = JSON.stringify(standin.requests[0].body);
    expect(first).toContain('tried X'); // the history reaches the model
    expect(run.lines.filter((l) => l.type === 'model_call').length).toBe(standin.requests.length);
    expect(run.lines.some((l) => l.type === 'tool_call' && l.tool === 'bash' && l.ok)).toBe(true);
    // the SDK sends the key from ANTHROPIC_API_KEY (as x-api-key or a bearer token, depending on its version)
    expect(standin.requests.every((r) => r.headers['x-api-key'] === 'candidate-token' || r.headers.authorization === 'Bearer candidate-token')).toBe(true);
  });

  it('creates a missing agent_context.json from EVOLVE_SEED_GOAL', async () => {
    const dir = await repo();
    standin = await startStandin({ script: play });
    const run = await runAgent(dir, { EVOLVE_SEED_GOAL: 'Make the greeting friendlier' });
    expect(resultOf(run).success).toBe(true);
    expect(JSON.stringify(standin.requests[0].body)).toContain('Make the greeting friendlier');
    expect((await readContext(dir)).history.length).toBe(4);
  });

  it('a corrupt agent_context.json: clear failure, file byte for byte, no model call', async () => {
    const corrupt = '{"goalState": "x", "history": {}}';
    const dir = await repo({ 'agent_context.json': corrupt });
    standin = await startStandin({ script: play });
    const run = await runAgent(dir, {});
    expect(run.code).toBe(0);
    expect(resultOf(run)).toMatchObject({ success: false, summary: expect.stringMatching(/agent_context.json does not match contract 3/) });
    expect(await readFile(join(dir, 'agent_context.json'), 'utf8')).toBe(corrupt);
    expect(standin.requests).toHaveLength(0);
  });

  it('a model that never stops calling tools is stopped at EVOLVE_MAX_TURNS', async () => {
    const dir = await repo();
    const endless: Script = (request, ctx) => (forcedTool(request) ? play(request, ctx) : reply(toolUse('bash', { command: 'echo still going' })));
    standin = await startStandin({ script: endless });
    const run = await runAgent(dir, { EVOLVE_MAX_TURNS: '6' });
    expect(run.code).toBe(0);
    expect(resultOf(run).success).toBe(false);
    const free = standin.requests.filter((r) => !(r.body as { tool_choice?: unknown }).tool_choice);
    expect(free).toHaveLength(6);
  });

  it('recovers from a malformed tool input', async () => {
    const dir = await repo();
    let malformedSent = false;
    const script: Script = (request, ctx) => {
      const afterPlan = JSON.stringify(request.messages).includes('write_plan');
      if (afterPlan && !malformedSent && !forcedTool(request)) {
        malformedSent = true;
        return reply(toolUse('bash', { cmd: 'touch hello.txt' }));
      }
      return play(request, ctx);
    };
    standin = await startStandin({ script });
    const run = await runAgent(dir, {});
    expect(run.lines.some((l) => l.type === 'tool_call' && l.tool === 'bash' && !l.ok)).toBe(true);
    expect(resultOf(run).success).toBe(true);
  });

  it('rides out a 429, then succeeds', async () => {
    const dir = await repo();
    standin = await startStandin({ script: (request, ctx) => (ctx.index === 0 ? rateLimited(5) : play(request, ctx)) });
    const run = await runAgent(dir, {});
    expect(resultOf(run).success).toBe(true);
    expect(standin.requests[0].status).toBe(429);
  });

  it('529 forever: a clear failure in bounded time, context recorded', async () => {
    const dir = await repo();
    standin = await startStandin({ script: () => apiError(529, 'Overloaded', { retryAfterMs: 5 }) });
    const run = await runAgent(dir, { EVOLVE_API_MAX_RETRIES: '2' });
    expect(run.code).toBe(0);
    expect(resultOf(run)).toMatchObject({ success: false, summary: expect.stringMatching(/529 overloaded_error/) });
    expect(standin.requests).toHaveLength(3);
    expect(run.ms).toBeLessThan(20_000);
    expect((await readContext(dir)).history.at(-1)).toMatchObject({ action: 'attempt_ended', result: 'failure' });
  });

  it('402 budget exhausted ends the attempt cleanly with the context recorded', async () => {
    const dir = await repo();
    standin = await startStandin({ script: (request, ctx) => (ctx.index < 2 ? play(request, ctx) : budgetExhausted()) });
    const run = await runAgent(dir, {});
    expect(run.code).toBe(0);
    expect(resultOf(run)).toMatchObject({ success: false, summary: expect.stringMatching(/^budget exhausted/) });
    expect(standin.requests.filter((r) => r.status === 402)).toHaveLength(1);
    const context = await readContext(dir);
    expect(context.history.map((e: { action: string }) => e.action)).toEqual(['goal_decision', 'plan', 'attempt_ended']);
  });

  it('without the progress descriptor it fails clearly', async () => {
    const dir = await repo();
    standin = await startStandin({ script: play });
    const run = await runAgent(dir, {}, { withFd3: false });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/progress descriptor 3 is not open/);
  });

  it('without ANTHROPIC_API_KEY it refuses to start rather than look for a key elsewhere', async () => {
    const dir = await repo();
    standin = await startStandin({ script: play });
    const run = await runAgent(dir, { ANTHROPIC_API_KEY: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/ANTHROPIC_API_KEY is required/);
    expect(standin.requests).toHaveLength(0);
  });

  it('an invalid environment is refused in one line', async () => {
    const dir = await repo();
    standin = await startStandin({ script: play });
    const run = await runAgent(dir, { EVOLVE_MAX_TURNS: 'many' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invalid environment: EVOLVE_MAX_TURNS/);
  });
});
