/**
 * Self-evolution is real: evolve runs on a copy of this very project, generation 1's (scripted) model changes the
 * agent's own code so that it announces itself with a distinctive phase, and generation 2's agent — started from
 * generation 1's commit — demonstrably runs that code. The test command is deliberately narrow (no recursion).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { agentAttemptScript, startStandin, type Standin } from '../../src/standin/index.ts';
import { evolve, git, ROOT, tempDir } from './helpers.ts';

const KEY = 'sk-ant-self-evolution-key';
const MARKER = 'evolved-by-generation-1';
let standin: Standin | null = null;
afterEach(async () => {
  await standin?.close();
  standin = null;
});

describe('self-evolution', () => {
  it("generation 2 runs the agent code generation 1 wrote", async () => {
    const copy = path.join(tempDir('evolve-self-'), 'evolve');
    execFileSync('git', ['clone', '-q', '--no-hardlinks', ROOT, copy]);
    execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules')]);
    const main = readFileSync(path.join(copy, 'src', 'agent', 'main.ts'), 'utf8');
    const announce = `import { writeSync as announceSync } from 'node:fs';\n` +
      `announceSync(Number(process.env.EVOLVE_PROGRESS_FD ?? 3), JSON.stringify({ v: 1, type: 'phase', name: '${MARKER}' }) + '\\n');\n`;
    const evolvedMain = main.replace("import { z } from 'zod';\n", `import { z } from 'zod';\n${announce}`);
    expect(evolvedMain).not.toBe(main);

    const gen1 = { goal: 'Make the agent announce itself at start (gen-1 marker)', edits: [{ path: 'src/agent/main.ts', content: evolvedMain }] };
    const gen2 = { goal: 'Leave a note for the maintainers', edits: [{ path: 'notes/gen2.md', content: '# written by generation 2\n' }] };
    // Generation 2's first message carries its parent's history, which names generation 1's goal.
    standin = await startStandin({
      apiKey: KEY,
      script: agentAttemptScript((request) => (JSON.stringify(request.messages[0]).includes('gen-1 marker') ? gen2 : gen1)),
    });
    const db = path.join(tempDir(), 'lineage.db');
    const run = await evolve(['--population', '1', '--generations', '2', '--no-tui', '--target', copy, '--db', db, '--test', 'node -e 0'],
      { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: standin.url });
    expect(run.code, run.stderr).toBe(0);

    const sql = new Database(db, { readonly: true });
    const rows = sql.prepare('SELECT id, generation, parent_id, commit_sha, status, goal FROM candidates ORDER BY generation').all() as
      { id: string; generation: number; parent_id: string | null; commit_sha: string; status: string; goal: string }[];
    const phases = (id: string) => (sql.prepare("SELECT data_json FROM events WHERE candidate_id = ? AND kind = 'phase'").all(id) as { data_json: string }[])
      .map((e) => JSON.parse(e.data_json).name as string);
    const [, first, second] = rows;
    expect(first).toMatchObject({ generation: 1, status: 'passed', goal: gen1.goal });
    expect(second).toMatchObject({ generation: 2, parent_id: first.id, status: 'passed', goal: gen2.goal });
    expect(git(copy, 'show', `${first.commit_sha}:src/agent/main.ts`)).toContain(MARKER);
    // generation 1 ran the seed's agent: no marker; generation 2 ran generation 1's agent: the marker, first thing
    expect(phases(first.id)).not.toContain(MARKER);
    expect(phases(second.id)[0]).toBe(MARKER);
    // Each ran a bundle made for its own parent's commit (agent-bundle.ts), not a copy of another generation's.
    const starts = (sql.prepare("SELECT data_json FROM events WHERE kind = 'agent_started' ORDER BY id").all() as { data_json: string }[])
      .map((e) => JSON.parse(e.data_json) as { agent: string; start: string; command: string });
    expect(starts.map((s) => [s.agent, s.start])).toEqual([['package.json', 'bundled'], ['package.json', 'bundled']]);
    expect(starts[0].command).not.toBe(starts[1].command);
    sql.close();
  });
});
