/**
 * agent_context.json (contract 3) as the runner touches it: it seeds a child's file with its parent's memory and
 * its parent's failed siblings, and appends a failure entry when an agent ended without recording its attempt.
 * The agent owns the file's content; the runner reads it tolerantly and only ever appends.
 */
import { randomBytes } from 'node:crypto';
import { lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AgentContext, CONTEXT_FILE, type HistoryEntry } from '../../agent/protocol.ts';

/**
 * Parses the file's text by contract 3's schema (shared with the agent). The runner is tolerant where the agent is
 * strict: a file that does not match keeps what it has — its other fields, and its history entries as found (it
 * only ever appends) — with a goal or history of the wrong type replaced; anything unreadable is empty memory.
 */
export function parseContext(text: string | null, seedGoal = ''): AgentContext {
  if (text === null) return { goalState: seedGoal, history: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { goalState: seedGoal, history: [] };
  }
  const strict = AgentContext.safeParse(raw);
  if (strict.success) return strict.data;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { goalState: seedGoal, history: [] };
  const obj = raw as Record<string, unknown>;
  return {
    ...obj,
    goalState: typeof obj.goalState === 'string' ? obj.goalState : seedGoal,
    history: Array.isArray(obj.history) ? (obj.history as HistoryEntry[]) : [],
  };
}

export function formatContext(ctx: AgentContext): string {
  return JSON.stringify(ctx, null, 2) + '\n';
}

export interface FailedSibling { id: string; goal: string | null; error: string | null; status: string }

/** One short entry per failed sibling of the parent, so the next agents see what was tried. */
export function siblingLessons(siblings: readonly FailedSibling[], now: Date): HistoryEntry[] {
  return siblings.map((s) => ({
    timestamp: now.toISOString(),
    action: `sibling ${s.id} tried: ${short(s.goal ?? '(no goal recorded)', 300)}`,
    result: 'failure',
    details: `${s.status}: ${short(s.error ?? 'no reason recorded', 300)}`,
    recordedBy: 'runner',
    candidate: s.id,
  }));
}

export interface JudgedParent {
  id: string; goal: string | null; status: string; testsPassed: number | null; testsFailed: number | null; score: number | null;
}

/**
 * For a parent whose agent made no claim (an agent CLI without a result line): what the judge found, so that its
 * children know whether the attempt they build on worked. The parent's own entry was written before it was judged.
 */
export function judgedLesson(parent: JudgedParent, now: Date): HistoryEntry {
  const tests = parent.testsPassed === null ? 'tests not run' : `${parent.testsPassed} tests passed, ${parent.testsFailed ?? 0} failed`;
  return {
    timestamp: now.toISOString(),
    action: `judged ${parent.id}: ${short(parent.goal ?? '(no goal recorded)', 300)}`,
    result: parent.status === 'passed' ? 'success' : 'failure',
    details: `the judge found: ${parent.status}, ${tests}${parent.score === null ? '' : `, score ${parent.score}`}`,
    recordedBy: 'runner',
    candidate: parent.id,
  };
}

/**
 * The most the runner reads of the file. It parses it on the event loop that also serves the candidates' model calls,
 * and every descendant inherits it: a bigger file is treated as unreadable (and replaced by the runner's own).
 */
export const MAX_CONTEXT_BYTES = 4 * 1024 * 1024;

/**
 * The file's text, or null when it is missing, too big or anything but a regular file. The runner reads it outside
 * the jail with its own rights: a candidate's symlink (say to a credentials file the jail hides) must not be followed.
 */
async function readContextFile(workspace: string): Promise<string | null> {
  const file = path.join(workspace, CONTEXT_FILE);
  const st = await lstat(file).catch(() => null);
  if (!st?.isFile() || st.size > MAX_CONTEXT_BYTES) return null;
  return readFile(file, 'utf8').catch(() => null);
}

export async function readWorkspaceContext(workspace: string, seedGoal = ''): Promise<{ ctx: AgentContext; raw: string | null }> {
  const raw = await readContextFile(workspace);
  return { ctx: parseContext(raw, seedGoal), raw };
}

/**
 * Writes a new file and renames it over the old entry, so that whatever the candidate left there — a symlink or a
 * hard link to a file outside its workspace — is replaced, never written through.
 */
export async function writeWorkspaceContext(workspace: string, ctx: AgentContext): Promise<void> {
  const file = path.join(workspace, CONTEXT_FILE);
  const temp = path.join(workspace, `.${CONTEXT_FILE}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, formatContext(ctx), { flag: 'wx' }); // O_EXCL: never through a planted link
    if ((await lstat(file).catch(() => null))?.isDirectory()) await rm(file, { recursive: true, force: true });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Prepares a fresh child workspace's context: the parent's memory plus lessons from the parent's failed siblings. */
export async function seedChildContext(workspace: string, seedGoal: string, lessons: HistoryEntry[]): Promise<AgentContext> {
  const { ctx } = await readWorkspaceContext(workspace, seedGoal);
  if (!ctx.goalState && seedGoal) ctx.goalState = seedGoal;
  ctx.history.push(...lessons);
  await writeWorkspaceContext(workspace, ctx);
  return ctx;
}

/**
 * After the agent: when it appended nothing, shrank the history or broke the file, the runner writes back the
 * context the agent started from plus the attempt's entry. Returns true when the runner wrote the file.
 */
export async function ensureAttemptRecorded(
  workspace: string, before: AgentContext, attempt: { success: boolean; goal: string; details: string }, now: Date,
): Promise<boolean> {
  const raw = await readContextFile(workspace);
  const after = raw === null ? null : parseContext(raw, before.goalState);
  const valid = after !== null && raw !== null && isObjectWithHistory(raw);
  if (valid && after.history.length > before.history.length) return false;
  const ctx: AgentContext = { ...before, history: [...before.history] };
  ctx.history.push({
    timestamp: now.toISOString(),
    action: short(attempt.goal || 'agent attempt', 300),
    result: attempt.success ? 'success' : 'failure',
    details: short(attempt.details, 1000),
    recordedBy: 'runner',
  });
  await writeWorkspaceContext(workspace, ctx);
  return true;
}

function isObjectWithHistory(raw: string): boolean {
  try {
    const v = JSON.parse(raw) as { history?: unknown };
    return !!v && typeof v === 'object' && Array.isArray(v.history);
  } catch {
    return false;
  }
}

function short(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}
