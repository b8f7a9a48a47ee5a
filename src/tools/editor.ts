/**
 * Anthropic's text editor tool (`text_editor_20250728`, named `str_replace_based_edit_tool`): view, create,
 * str_replace and insert, confined to one workspace root, with the error strings Anthropic documents so that the
 * model recognises them. Writes are atomic: a temp file in the same directory, then a rename (the file's mode kept).
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { viewDirectory, viewFile, splitLines } from './editor-view.ts';
import { resolveInside } from './paths.ts';
import { describeInputError, fail, ok, type ToolResult } from './types.ts';

export const EDITOR_TOOL_NAME = 'str_replace_based_edit_tool';

/** The tool definition offered to the model; `max_characters` also tells the API how much `view` shows. */
export function editorTool(maxCharacters?: number) {
  return {
    type: 'text_editor_20250728' as const,
    name: EDITOR_TOOL_NAME,
    ...(maxCharacters !== undefined ? { max_characters: maxCharacters } : {}),
  };
}

/** `view` output kept when the caller sets no limit: one minified bundle must not fill the model's context. */
export const DEFAULT_MAX_CHARACTERS = 100_000;

/** Files larger than this are refused: the model should use bash (head, sed -n) on them. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;

const filePath = z.string().min(1);
const EditorInput = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('view'),
    path: filePath,
    view_range: z.tuple([z.number().int(), z.number().int()]).optional(),
  }),
  z.object({ command: z.literal('create'), path: filePath, file_text: z.string() }),
  z.object({ command: z.literal('str_replace'), path: filePath, old_str: z.string(), new_str: z.string().optional() }),
  z.object({
    command: z.literal('insert'),
    path: filePath,
    insert_line: z.number().int(),
    insert_text: z.string().optional(),
    new_str: z.string().optional(),
  }),
  z.object({ command: z.literal('undo_edit'), path: filePath.optional() }),
]);
type EditorInput = z.infer<typeof EditorInput>;

export interface TextEditorOptions {
  /** The workspace: every path must resolve inside it. */
  root: string;
  /** Longest `view` output; longer output is clipped with a note. Default DEFAULT_MAX_CHARACTERS. */
  maxCharacters?: number;
}

type FileRead = { ok: true; text: string; mode: number } | { ok: false; result: ToolResult };

export class TextEditor {
  private readonly options: Required<TextEditorOptions>;

  constructor(options: TextEditorOptions) {
    this.options = { root: options.root, maxCharacters: options.maxCharacters ?? DEFAULT_MAX_CHARACTERS };
  }

  /** Runs one tool call. Never rejects. */
  async run(input: unknown): Promise<ToolResult> {
    const parsed = EditorInput.safeParse(input);
    if (!parsed.success) return fail(describeInputError(EDITOR_TOOL_NAME, parsed.error.issues));
    try {
      return await this.execute(parsed.data);
    } catch (err) {
      return fail(`Error: ${describeFsError(err)}`);
    }
  }

  private async execute(input: EditorInput): Promise<ToolResult> {
    if (input.command === 'undo_edit') {
      return fail('Error: `undo_edit` is not supported by text_editor_20250728; make the reverse edit with `str_replace`.');
    }
    const resolved = await resolveInside(this.options.root, input.path);
    if (!resolved.ok) return fail(resolved.error);
    const target = resolved.path;
    switch (input.command) {
      case 'view':
        return this.view(input.path, target, input.view_range);
      case 'create':
        return this.create(input.path, target, input.file_text);
      case 'str_replace':
        return this.replace(input.path, target, input.old_str, input.new_str ?? '');
      case 'insert': {
        const text = input.insert_text ?? input.new_str;
        if (text === undefined) return fail('Error: `insert` needs the text to insert in `insert_text`.');
        return this.insert(input.path, target, input.insert_line, text);
      }
    }
  }

  private async view(shown: string, target: string, range: [number, number] | undefined): Promise<ToolResult> {
    const info = await stat(target).catch(() => null);
    if (!info) return fail(`Error: File not found: ${shown}`);
    if (info.isDirectory()) {
      if (range) return fail('Error: The `view_range` parameter is not allowed when `path` points to a directory.');
      return viewDirectory(shown, target, this.options.maxCharacters);
    }
    const file = await this.read(shown, target);
    if (!file.ok) return file.result;
    return viewFile(shown, file.text, range, this.options.maxCharacters);
  }

  private async create(shown: string, target: string, text: string): Promise<ToolResult> {
    if (await stat(target).catch(() => null)) {
      return fail(`Error: File already exists at: ${shown}. Cannot overwrite files using command \`create\`.`);
    }
    await mkdir(path.dirname(target), { recursive: true });
    // Re-check after mkdir: the parents now exist, so a symlinked parent resolves to where it really leads.
    const again = await resolveInside(this.options.root, shown);
    if (!again.ok) return fail(again.error);
    await writeAtomic(again.path, text, 0o644, true);
    return ok(`File created successfully at: ${shown}`);
  }

  private async replace(shown: string, target: string, oldStr: string, newStr: string): Promise<ToolResult> {
    if (oldStr === '') return fail('Error: `old_str` must not be empty; use `insert` or `create` to add text.');
    const file = await this.read(shown, target);
    if (!file.ok) return file.result;
    const count = countOccurrences(file.text, oldStr);
    if (count === 0) return fail('Error: No match found for replacement. Please check your text and try again.');
    if (count > 1) {
      return fail(`Error: Found ${count} matches for replacement text. Please provide more context to make a unique match.`);
    }
    const at = file.text.indexOf(oldStr);
    await writeAtomic(target, file.text.slice(0, at) + newStr + file.text.slice(at + oldStr.length), file.mode, false);
    return ok('Successfully replaced text at exactly one location.');
  }

  private async insert(shown: string, target: string, line: number, text: string): Promise<ToolResult> {
    const file = await this.read(shown, target);
    if (!file.ok) return file.result;
    const lines = splitLines(file.text);
    if (line < 0 || line > lines.length) {
      return fail(
        `Error: Invalid \`insert_line\` parameter: ${line}. It should be within the range of lines of the file: [0, ${lines.length}].`,
      );
    }
    const added = splitLines(text.endsWith('\n') ? text : `${text}\n`);
    const result = [...lines.slice(0, line), ...added, ...lines.slice(line)];
    const endsWithNewline = file.text === '' || file.text.endsWith('\n') || line < lines.length;
    await writeAtomic(target, result.join('\n') + (endsWithNewline ? '\n' : ''), file.mode, false);
    return ok(`Successfully inserted text after line ${line} of ${shown}.`);
  }

  private async read(shown: string, target: string): Promise<FileRead> {
    const info = await stat(target).catch(() => null);
    if (!info) return { ok: false, result: fail(`Error: File not found: ${shown}`) };
    if (info.isDirectory()) {
      return { ok: false, result: fail(`Error: ${shown} is a directory; only \`view\` works on a directory.`) };
    }
    if (!info.isFile()) return { ok: false, result: fail(`Error: ${shown} is not a regular file.`) };
    if (info.size > MAX_FILE_BYTES) {
      return {
        ok: false,
        result: fail(`Error: ${shown} is ${info.size} bytes; the editor handles files up to ${MAX_FILE_BYTES} bytes. Use bash (head, sed -n) instead.`),
      };
    }
    const buffer = await readFile(target);
    if (buffer.subarray(0, 8192).includes(0)) {
      return { ok: false, result: fail(`Error: ${shown} looks like a binary file; the editor works on text files.`) };
    }
    return { ok: true, text: buffer.toString('utf8'), mode: info.mode & 0o7777 };
  }
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/**
 * Temp file beside the target (same file system), then an atomic switch: a reader never sees half a file. For a new
 * file the switch is link() (fails if the name exists, so a file that appeared meanwhile is never clobbered);
 * for an edit it is rename().
 */
async function writeAtomic(target: string, text: string, mode: number, exclusive: boolean): Promise<void> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { flag: 'wx', mode });
    await chmod(temp, mode);
    if (exclusive) await link(temp, target);
    else await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
}

function describeFsError(err: unknown): string {
  const code = (err as { code?: string })?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'Permission denied. Cannot write to file.';
  if (code === 'EEXIST') return 'File already exists. Cannot overwrite files using command `create`.';
  if (code === 'ENOSPC') return 'No space left on the device.';
  return err instanceof Error ? err.message : String(err);
}
