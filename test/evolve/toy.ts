/**
 * A toy target for end-to-end runs: a dependency-free Node project whose own agent (`node agent.mjs`, its
 * package.json `evolve.agent`) asks the model for a JSON edit plan, applies it, records the attempt in
 * agent_context.json and reports on fd 3. The stand-in model hands out the plans, so each run is scripted.
 */
import { reply, text, type Script } from '../../src/standin/index.ts';
import { makeRepo } from './helpers.ts';

export const TOY_AGENT = `import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
const fd = Number(process.env.EVOLVE_PROGRESS_FD || 3);
const progress = (o) => writeFileSync(fd, JSON.stringify({ v: 1, ...o }) + '\\n');
progress({ type: 'phase', name: 'decide' });
const ctx = JSON.parse(readFileSync('agent_context.json', 'utf8'));
const res = await fetch(process.env.ANTHROPIC_BASE_URL + '/v1/messages', {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': process.env.ANTHROPIC_API_KEY, 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({ model: process.env.EVOLVE_MODEL, max_tokens: 512, messages: [{ role: 'user', content: 'history ' + ctx.history.length }] }),
});
const body = await res.json();
if (!res.ok) {
  progress({ type: 'result', success: false, summary: 'model error ' + res.status, goal: 'unknown' });
  process.exit(0);
}
const plan = JSON.parse(body.content[0].text);
progress({ type: 'phase', name: plan.phase ?? 'modify' });
for (const [file, content] of Object.entries(plan.files ?? {})) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content.replaceAll('{{CWD}}', process.cwd()));
}
for (const file of plan.delete ?? []) rmSync(file, { force: true, recursive: true });
if (plan.exec) (await import('node:child_process')).execSync(plan.exec, { stdio: 'inherit' });
if (plan.crash) process.exit(3);
if (plan.garbage) writeFileSync(fd, 'this is not json\\n');
if (!plan.silent) {
  ctx.history.push({ timestamp: new Date().toISOString(), action: plan.goal, result: 'success', details: plan.summary,
    keySeen: (process.env.ANTHROPIC_API_KEY || '').slice(0, 12) });
  writeFileSync('agent_context.json', JSON.stringify(ctx, null, 2));
}
if (!plan.noClaim) progress({ type: 'result', success: true, summary: plan.summary ?? plan.goal, goal: plan.goal });
`;

export const TOY_TEST_RUNNER = `import { readdirSync } from 'node:fs';
let passed = 0, failed = 0;
for (const f of readdirSync('tests').sort()) {
  try { await (await import('./tests/' + f)).default(); passed++; } catch (e) { failed++; console.log('FAIL', f, e.message); }
}
console.log(passed + ' passed, ' + failed + ' failed');
process.exit(failed ? 1 : 0);
`;

export function makeToyRepo(extra: Record<string, string> = {}, pkg: Record<string, unknown> = {}): string {
  return makeRepo({
    'package.json': JSON.stringify({ name: 'toy', type: 'module', scripts: { test: 'node run-tests.mjs' }, evolve: { agent: 'node agent.mjs' }, ...pkg }, null, 2) + '\n',
    'agent.mjs': TOY_AGENT,
    'run-tests.mjs': TOY_TEST_RUNNER,
    'lib/add.mjs': 'export const add = (a, b) => a + b;\n',
    'tests/add.mjs': "import { add } from '../lib/add.mjs';\nexport default () => { if (add(1, 2) !== 3) throw new Error('add'); };\n",
    'agent_context.json': JSON.stringify({ goalState: 'make the toy better', history: [] }, null, 2) + '\n',
    '.gitignore': 'node_modules/\n',
    ...extra,
  });
}

export interface Plan {
  goal: string;
  summary?: string;
  phase?: string;
  files?: Record<string, string>;
  delete?: string[];
  exec?: string;
  crash?: boolean;
  garbage?: boolean;
  silent?: boolean;
  /** Exit 0 without a result line, as an agent CLI that knows nothing of fd 3 does. */
  noClaim?: boolean;
}

/** Plans that pass (a new feature with its test), fail (a failing test) and change nothing (an empty diff). */
export const passingPlan = (n: number): Plan => ({
  goal: `add feature ${n}`, summary: `feature ${n} with a test`,
  files: { [`lib/f${n}.mjs`]: `export const f${n} = () => ${n};\n`, [`tests/f${n}.mjs`]: `import { f${n} } from '../lib/f${n}.mjs';\nexport default () => { if (f${n}() !== ${n}) throw new Error('f${n}'); };\n` },
});
export const failingPlan = (n: number): Plan => ({
  goal: `break things ${n}`, summary: 'a test that fails',
  files: { [`tests/bad${n}.mjs`]: `export default () => { throw new Error('bad ${n}'); };\n` },
});
export const emptyPlan = (n: number): Plan => ({ goal: `think only ${n}`, summary: 'no code change' });

/** A stand-in script answering each model call with the next plan from `plans(index)`. */
export function planScript(plans: (index: number) => Plan, delayMs = 0): Script {
  return (_request, ctx) => ({ ...reply(text(JSON.stringify(plans(ctx.index)))), delayMs });
}
