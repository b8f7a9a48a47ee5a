/** The editor's `view` command: a file with line numbers (optionally a range) or a directory two levels deep. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fail, ok, type ToolResult } from './types.ts';

/** Splits file text into lines; a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

/** `cat -n` style numbering, the format the model was trained on. */
export function numbered(lines: string[], firstLine: number): string {
  return lines.map((line, i) => `${String(firstLine + i).padStart(6)}\t${line}`).join('\n');
}

export function clip(text: string, maxCharacters: number | undefined, hint: string): string {
  if (maxCharacters === undefined || text.length <= maxCharacters) return text;
  return `${text.slice(0, maxCharacters)}\n\n[output clipped: showing the first ${maxCharacters} of ${text.length} characters; ${hint}]`;
}

export function viewFile(
  displayPath: string,
  text: string,
  range: [number, number] | undefined,
  maxCharacters: number | undefined,
): ToolResult {
  const lines = splitLines(text);
  if (!range) {
    if (lines.length === 0) return ok(`The file ${displayPath} is empty.`);
    return ok(clip(numbered(lines, 1), maxCharacters, 'use view_range to see the rest'));
  }
  const [start, requestedEnd] = range;
  if (start < 1 || start > Math.max(lines.length, 1)) {
    return fail(
      `Error: Invalid \`view_range\` ${JSON.stringify(range)}: its first element ${start} should be within the ` +
        `range of lines of the file: [1, ${lines.length}].`,
    );
  }
  if (requestedEnd !== -1 && requestedEnd < start) {
    return fail(
      `Error: Invalid \`view_range\` ${JSON.stringify(range)}: its second element ${requestedEnd} should be -1 ` +
        `or larger than or equal to its first ${start}.`,
    );
  }
  // An end past the last line is read as "to the end", as -1 is.
  const end = requestedEnd === -1 ? lines.length : Math.min(requestedEnd, lines.length);
  return ok(clip(numbered(lines.slice(start - 1, end), start), maxCharacters, 'ask for a narrower view_range'));
}

/** Lists non-hidden entries up to two levels below `dir`, directories marked with a trailing slash. */
export async function viewDirectory(displayPath: string, dir: string, maxCharacters: number | undefined): Promise<ToolResult> {
  const out: string[] = [];
  const walk = async (current: string, depth: number) => {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(current, entry.name);
      const shown = path.join(displayPath, path.relative(dir, full));
      out.push(entry.isDirectory() ? `${shown}/` : shown);
      if (entry.isDirectory() && depth < 2) await walk(full, depth + 1);
    }
  };
  await walk(dir, 1);
  const listing = out.length ? out.join('\n') : '(empty)';
  return ok(
    clip(
      `Here are the files and directories up to 2 levels deep in ${displayPath}, excluding hidden items:\n${listing}`,
      maxCharacters,
      'view a subdirectory to see more',
    ),
  );
}
