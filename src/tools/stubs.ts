/**
 * Stub markers: the signs of unfinished work an agent leaves behind (the list is in docs/judge.md: the three usual
 * comment tags, "not implemented" and its exception classes, Rust's placeholder macros, an Error thrown with a tag
 * as its message), in code files only (a README's tag is no stub). Shared by the runner (which counts what a diff
 * adds into candidates.stubs_added) and the built-in agent (which is shown those in its workspace). The words are
 * assembled below rather than written out, so that this file is not itself a list of markers.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

const CODE_FILE = /\.(?:[cm]?[jt]sx?|py|rb|go|rs|java|kt|kts|scala|c|h|cc|cpp|hpp|cs|swift|php|sh|bash|vue|svelte|lua|ex|exs)$/i;
const TAGS = ['TO' + 'DO', 'FIX' + 'ME', 'X' + 'XX'].join('|');
// A tag counts in a comment only (the word in code, `todos.push(todo)`, is not a marker).
const COMMENT_MARKER = new RegExp(`(?:\\/\\/|#|\\/\\*|^\\s*\\*|<!--|--)[^\\n]*\\b(?:${TAGS})\\b`, 'i');
const CODE_MARKER = new RegExp(`not[ _-]?${'imple' + 'mented'}|\\b(?:todo|unimplemented)!\\s*\\(|throw\\s+new\\s+\\w*Error\\(\\s*['"\`]\\s*(?:${TAGS}|stub)\\b`, 'i');

export function isCodeFile(file: string): boolean {
  return CODE_FILE.test(file) && !file.split('/').includes('node_modules');
}

/** Whether one line of code carries a stub marker. */
export function isStubLine(line: string): boolean {
  return line.length <= 2000 && (COMMENT_MARKER.test(line) || CODE_MARKER.test(line));
}

/** Stub markers among the lines a unified diff (`git diff -U0`) adds, in code files. */
export function stubsAdded(unifiedDiff: string): number {
  let file: string | null = null;
  let count = 0;
  for (const line of unifiedDiff.split('\n')) {
    if (line.startsWith('+++ ')) file = line.startsWith('+++ b/') ? line.slice(6) : null;
    else if (line.startsWith('+') && file && isCodeFile(file) && isStubLine(line.slice(1))) count++;
  }
  return count;
}

export interface StubMarker { file: string; line: number; text: string }

/** The first `limit` stub markers in the code files under `dir` (no links followed; .git and node_modules skipped). */
export async function findStubMarkers(dir: string, limit = 20): Promise<StubMarker[]> {
  const found: StubMarker[] = [];
  const visit = async (rel: string): Promise<void> => {
    const entries = (await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (found.length >= limit) return;
      const file = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== 'node_modules') await visit(file);
        continue;
      }
      if (!entry.isFile() || !isCodeFile(file)) continue;
      const info = await lstat(path.join(dir, file)).catch(() => null);
      if (!info || info.size > 1024 * 1024) continue;
      const lines = (await readFile(path.join(dir, file), 'utf8')).split('\n');
      for (const [i, text] of lines.entries()) {
        if (found.length >= limit) return;
        if (isStubLine(text)) found.push({ file, line: i + 1, text: text.trim().slice(0, 160) });
      }
    }
  };
  await visit('');
  return found;
}
