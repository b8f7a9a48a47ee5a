/**
 * agent_context.json (contract 3): the memory a lineage carries. Read once at the start, appended to at the end.
 * A corrupt file is never overwritten: it is the lineage's record, and the runner commits it as found.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentContext, CONTEXT_FILE, type HistoryEntry } from './protocol.ts';

export class ContextCorrupt extends Error {}

/** Reads the context; creates it with the seed goal when absent; throws ContextCorrupt (file untouched) otherwise. */
export async function loadContext(dir: string, seedGoal: string): Promise<AgentContext> {
  const path = join(dir, CONTEXT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ContextCorrupt(`${CONTEXT_FILE} cannot be read: ${(err as Error).message}`);
    const fresh: AgentContext = { goalState: seedGoal, history: [] };
    await saveContext(dir, fresh);
    return fresh;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ContextCorrupt(`${CONTEXT_FILE} is not valid JSON (${(err as Error).message}); left as found`);
  }
  const parsed = AgentContext.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ContextCorrupt(`${CONTEXT_FILE} does not match contract 3 (${issue.path.join('.') || 'root'}: ${issue.message}); left as found`);
  }
  return parsed.data;
}

/** Writes atomically (temp file + rename), so a crash mid-write never leaves half a file. */
export async function saveContext(dir: string, context: AgentContext): Promise<void> {
  const path = join(dir, CONTEXT_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(context, null, 2) + '\n');
  await rename(temp, path);
}

export function entry(action: string, ok: boolean, details: string, extra: Record<string, unknown> = {}): HistoryEntry {
  return { timestamp: new Date().toISOString(), action, result: ok ? 'success' : 'failure', details, ...extra };
}

/** The history as the model reads it: newest last, each entry one compact line, capped to the most recent. */
export function historyDigest(context: AgentContext, maxEntries = 30): string {
  const recent = context.history.slice(-maxEntries);
  if (recent.length === 0) return '(no history yet: this is the first attempt of the lineage)';
  const skipped = context.history.length - recent.length;
  const lines = recent.map((e) => `- ${e.timestamp} ${e.action} [${e.result}]: ${e.details.replace(/\s+/g, ' ').slice(0, 600)}`);
  return (skipped > 0 ? [`(${skipped} older entries omitted)`] : []).concat(lines).join('\n');
}
