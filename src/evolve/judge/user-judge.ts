/**
 * The user's judge (`--judge <cmd>`, stage 5 of contract 5): a shell command run at the judging checkout's root,
 * in the jail, after the tests pass. Its last line of standard output is one JSON object; every numeric field is a
 * metric. With `--judge-runs n` it runs n times and each metric keeps its median (and its spread, max − min).
 *
 * Frozen at run start: the files the command names outside the target are copied into the run's private judge
 * directory (the command is rewritten to run the copies) with their sha256 in runs.config_json; files it names
 * inside the target are written back from the seed's commit in every judging checkout. The directory and the
 * original files are hidden from every jail but the judge's own (run.ts), so no agent can read or change them.
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../../errors.ts';

export const FrozenJudge = z.object({
  /** The command as the user gave it. */
  given: z.string(),
  /** The command as run: paths of files outside the target replaced by their frozen copies. */
  cmd: z.string(),
  runs: z.number(),
  timeoutS: z.number(),
  /** The run's private directory of frozen copies. */
  dir: z.string(),
  files: z.array(z.object({ source: z.string(), copy: z.string(), sha256: z.string() })),
  /** Files of the target the command names: restored from the seed's commit before judging. */
  seedFiles: z.array(z.string()),
});
export type FrozenJudge = z.infer<typeof FrozenJudge>;

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

const WORD = /(\s+|&&|\|\||[;|()<>])/;

/** Freezes `cmd` (see the top of this file); `seedFiles` are the files of the seed's tree. */
export async function freezeJudge(o: { cmd: string; runs: number; timeoutS: number; target: string; cwd: string; dir: string; seedFiles: ReadonlySet<string> }): Promise<FrozenJudge> {
  const files: FrozenJudge['files'] = [];
  const inTarget = new Set<string>();
  await removeFrozenJudge(o.dir);
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  const parts = o.cmd.split(WORD);
  for (const [i, part] of parts.entries()) {
    const quote = /^(['"])(.*)\1$/.exec(part);
    const word = (quote ? quote[2] : part).replace(/^--?[\w-]+=/, '');
    if (!word || WORD.test(word) || word.startsWith('-')) continue;
    const relative = path.posix.normalize(word.replace(/^\.\//, ''));
    if (!path.isAbsolute(word) && o.seedFiles.has(relative)) {
      inTarget.add(relative);
      continue;
    }
    const source = path.resolve(o.cwd, word);
    const info = await lstat(source).catch(() => null);
    if (!info?.isFile() || isInside(source, o.target)) continue;
    const copy = path.join(o.dir, `${files.length}-${path.basename(source)}`);
    await copyFile(source, copy);
    await chmod(copy, 0o500);
    files.push({ source, copy, sha256: await sha256(copy) });
    parts[i] = part.replace(word, copy);
  }
  await chmod(o.dir, 0o500);
  return { given: o.cmd, cmd: parts.join(''), runs: o.runs, timeoutS: o.timeoutS, dir: o.dir, files, seedFiles: [...inTarget] };
}

/** Removes the frozen copies (their directory is read-only: made writable first). */
export async function removeFrozenJudge(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => {});
  await rm(dir, { recursive: true, force: true });
}

/** On --resume: the frozen copies must still be there, unchanged. */
export async function checkFrozenJudge(judge: FrozenJudge): Promise<void> {
  for (const f of judge.files) {
    const actual = await sha256(f.copy).catch(() => null);
    if (actual !== f.sha256) {
      throw new UsageError(`the run's frozen judge file ${f.copy} (a copy of ${f.source}) is ${actual === null ? 'gone' : 'changed'}: this run cannot be judged the same way again`);
    }
  }
}

export type JudgeOutput = { ok: true; metrics: Record<string, number> } | { ok: false; reason: string };

/** The metrics of one judge run: the numeric fields of the JSON object on the last line of its stdout. */
export function parseJudgeOutput(stdout: string): JudgeOutput {
  const last = stdout.split('\n').map((l) => l.trim()).filter(Boolean).pop();
  if (!last) return { ok: false, reason: 'judge printed nothing on stdout (expected a JSON object on its last line)' };
  let value: unknown;
  try {
    value = JSON.parse(last);
  } catch {
    return { ok: false, reason: `judge's last stdout line is not JSON: ${last.slice(0, 120)}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: `judge's last stdout line is not a JSON object: ${last.slice(0, 120)}` };
  const metrics: Record<string, number> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'number' && Number.isFinite(v)) metrics[name] = v;
  if (Object.keys(metrics).length === 0) return { ok: false, reason: `judge's JSON has no numeric field: ${last.slice(0, 120)}` };
  return { ok: true, metrics };
}

export interface Metric { name: string; value: number; spread: number; runs: number }

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Each metric over n runs: the median, the spread (max − min) and in how many runs it appeared. */
export function combineRuns(runs: readonly Record<string, number>[]): Metric[] {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  return names.map((name) => {
    const values = runs.map((r) => r[name]).filter((v): v is number => v !== undefined);
    return { name, value: median(values), spread: Math.max(...values) - Math.min(...values), runs: values.length };
  });
}

function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
