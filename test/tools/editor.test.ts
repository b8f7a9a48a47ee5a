import { chmod, mkdir, mkdtemp, readFile, readdir, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TextEditor, editorTool } from '../../src/tools/editor.ts';

let base: string;
let root: string;
let outside: string;
let editor: TextEditor;

beforeEach(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), 'evolve-editor-')));
  root = path.join(base, 'ws');
  outside = path.join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.txt'), 'top secret\n');
  editor = new TextEditor({ root });
});
afterEach(() => rm(base, { recursive: true, force: true }));

const f = (name: string) => path.join(root, name);
const read = (name: string) => readFile(f(name), 'utf8');

describe('editorTool', () => {
  it('is offered as the Anthropic-defined text editor with max_characters', () => {
    expect(editorTool(10_000)).toEqual({ type: 'text_editor_20250728', name: 'str_replace_based_edit_tool', max_characters: 10_000 });
    expect(editorTool()).toEqual({ type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' });
  });
});

describe('view', () => {
  it('shows a file with line numbers', async () => {
    await writeFile(f('a.txt'), 'one\ntwo\nthree\n');
    const r = await editor.run({ command: 'view', path: f('a.txt') });
    expect(r).toEqual({ content: '     1\tone\n     2\ttwo\n     3\tthree', isError: false });
  });

  it('shows a view_range, with -1 meaning the end', async () => {
    await writeFile(f('a.txt'), 'one\ntwo\nthree\nfour\n');
    expect((await editor.run({ command: 'view', path: f('a.txt'), view_range: [2, 3] })).content).toBe('     2\ttwo\n     3\tthree');
    expect((await editor.run({ command: 'view', path: f('a.txt'), view_range: [3, -1] })).content).toBe('     3\tthree\n     4\tfour');
  });

  it('refuses a view_range outside the file or reversed', async () => {
    await writeFile(f('a.txt'), 'one\ntwo\n');
    const past = await editor.run({ command: 'view', path: f('a.txt'), view_range: [5, 6] });
    expect(past.isError).toBe(true);
    expect(past.content).toContain('Invalid `view_range`');
    const reversed = await editor.run({ command: 'view', path: f('a.txt'), view_range: [2, 1] });
    expect(reversed.isError).toBe(true);
    expect(reversed.content).toContain('second element 1');
  });

  it('lists a directory two levels deep without hidden entries', async () => {
    await mkdir(f('src/deep/deeper'), { recursive: true });
    await writeFile(f('src/deep/x.ts'), '');
    await writeFile(f('src/index.ts'), '');
    await writeFile(f('.env'), 'SECRET=1');
    await mkdir(f('.git'));
    await writeFile(f('README.md'), '');
    const r = await editor.run({ command: 'view', path: root });
    expect(r.isError).toBe(false);
    const lines = r.content.split('\n');
    expect(lines[0]).toBe(`Here are the files and directories up to 2 levels deep in ${root}, excluding hidden items:`);
    expect(lines.slice(1)).toEqual([f('README.md'), `${f('src')}/`, `${f('src/deep')}/`, f('src/index.ts')]);
  });

  it('clips output over max_characters and says so', async () => {
    await writeFile(f('big.txt'), 'x'.repeat(5_000));
    const r = await new TextEditor({ root, maxCharacters: 100 }).run({ command: 'view', path: f('big.txt') });
    expect(r.isError).toBe(false);
    expect(r.content).toMatch(/^ {5}1\tx+\n\n\[output clipped: showing the first 100 of 5007 characters; use view_range/);
  });

  it('says when a file is missing, empty, or binary', async () => {
    expect(await editor.run({ command: 'view', path: f('nope.txt') })).toEqual({ content: `Error: File not found: ${f('nope.txt')}`, isError: true });
    await writeFile(f('empty.txt'), '');
    expect((await editor.run({ command: 'view', path: f('empty.txt') })).content).toContain('is empty');
    await writeFile(f('bin'), Buffer.from([0x7f, 0x45, 0x00, 0x01]));
    expect((await editor.run({ command: 'view', path: f('bin') })).content).toContain('binary');
  });
});

describe('create', () => {
  it('creates a file and its parent directories', async () => {
    const r = await editor.run({ command: 'create', path: f('new/dir/file.ts'), file_text: 'export {};\n' });
    expect(r).toEqual({ content: `File created successfully at: ${f('new/dir/file.ts')}`, isError: false });
    expect(await read('new/dir/file.ts')).toBe('export {};\n');
  });

  it('refuses to overwrite an existing file', async () => {
    await writeFile(f('a.txt'), 'keep');
    const r = await editor.run({ command: 'create', path: f('a.txt'), file_text: 'lost' });
    expect(r.isError).toBe(true);
    expect(r.content).toBe(`Error: File already exists at: ${f('a.txt')}. Cannot overwrite files using command \`create\`.`);
    expect(await read('a.txt')).toBe('keep');
  });
});

describe('str_replace', () => {
  it('replaces exactly one match and keeps the file mode', async () => {
    await writeFile(f('run.sh'), '#!/bin/sh\necho old\n');
    await chmod(f('run.sh'), 0o755);
    const r = await editor.run({ command: 'str_replace', path: f('run.sh'), old_str: 'echo old', new_str: 'echo new' });
    expect(r).toEqual({ content: 'Successfully replaced text at exactly one location.', isError: false });
    expect(await read('run.sh')).toBe('#!/bin/sh\necho new\n');
    expect((await stat(f('run.sh'))).mode & 0o777).toBe(0o755);
    expect((await readdir(root)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('deletes the match when new_str is missing', async () => {
    await writeFile(f('a.txt'), 'keep drop keep');
    await editor.run({ command: 'str_replace', path: f('a.txt'), old_str: ' drop' });
    expect(await read('a.txt')).toBe('keep keep');
  });

  it('answers the documented error when nothing matches', async () => {
    await writeFile(f('a.txt'), 'hello');
    const r = await editor.run({ command: 'str_replace', path: f('a.txt'), old_str: 'bye', new_str: 'x' });
    expect(r).toEqual({ content: 'Error: No match found for replacement. Please check your text and try again.', isError: true });
    expect(await read('a.txt')).toBe('hello');
  });

  it('answers the documented error with the count when several places match', async () => {
    await writeFile(f('a.txt'), 'x = 1\nx = 1\nx = 1\n');
    const r = await editor.run({ command: 'str_replace', path: f('a.txt'), old_str: 'x = 1', new_str: 'x = 2' });
    expect(r).toEqual({
      content: 'Error: Found 3 matches for replacement text. Please provide more context to make a unique match.',
      isError: true,
    });
    expect(await read('a.txt')).toBe('x = 1\nx = 1\nx = 1\n');
  });

  it('refuses an empty old_str and a missing file', async () => {
    await writeFile(f('a.txt'), 'hello');
    expect((await editor.run({ command: 'str_replace', path: f('a.txt'), old_str: '', new_str: 'x' })).isError).toBe(true);
    const missing = await editor.run({ command: 'str_replace', path: f('b.txt'), old_str: 'a', new_str: 'b' });
    expect(missing).toEqual({ content: `Error: File not found: ${f('b.txt')}`, isError: true });
  });

  it('says Permission denied when the file cannot be written', async () => {
    await mkdir(f('ro'));
    await writeFile(f('ro/a.txt'), 'hello');
    await chmod(f('ro'), 0o555);
    try {
      const r = await editor.run({ command: 'str_replace', path: f('ro/a.txt'), old_str: 'hello', new_str: 'bye' });
      // root ignores directory permissions; everyone else is refused with the documented message.
      if (process.getuid?.() !== 0) expect(r).toEqual({ content: 'Error: Permission denied. Cannot write to file.', isError: true });
      else expect(r.isError).toBe(false);
    } finally {
      await chmod(f('ro'), 0o755);
    }
  });
});

describe('insert', () => {
  it('inserts after a line, and at the top with 0', async () => {
    await writeFile(f('a.txt'), 'one\ntwo\n');
    expect((await editor.run({ command: 'insert', path: f('a.txt'), insert_line: 1, insert_text: 'one and a half' })).isError).toBe(false);
    expect(await read('a.txt')).toBe('one\none and a half\ntwo\n');
    await editor.run({ command: 'insert', path: f('a.txt'), insert_line: 0, insert_text: 'zero\n' });
    expect(await read('a.txt')).toBe('zero\none\none and a half\ntwo\n');
  });

  it('appends after the last line, and into an empty file', async () => {
    await writeFile(f('a.txt'), 'one');
    await editor.run({ command: 'insert', path: f('a.txt'), insert_line: 1, insert_text: 'two' });
    expect(await read('a.txt')).toBe('one\ntwo');
    await writeFile(f('e.txt'), '');
    await editor.run({ command: 'insert', path: f('e.txt'), insert_line: 0, insert_text: 'first' });
    expect(await read('e.txt')).toBe('first\n');
  });

  it('accepts the text in new_str from older clients', async () => {
    await writeFile(f('a.txt'), 'one\n');
    const r = await editor.run({ command: 'insert', path: f('a.txt'), insert_line: 1, new_str: 'two' });
    expect(r.isError).toBe(false);
    expect(await read('a.txt')).toBe('one\ntwo\n');
  });

  it('refuses a line outside the file and a missing text', async () => {
    await writeFile(f('a.txt'), 'one\n');
    const r = await editor.run({ command: 'insert', path: f('a.txt'), insert_line: 5, insert_text: 'x' });
    expect(r).toEqual({
      content: 'Error: Invalid `insert_line` parameter: 5. It should be within the range of lines of the file: [0, 1].',
      isError: true,
    });
    expect((await editor.run({ command: 'insert', path: f('a.txt'), insert_line: 0 })).isError).toBe(true);
  });
});

describe('input and confinement', () => {
  it('refuses malformed input, unknown commands and undo_edit without throwing', async () => {
    for (const input of [null, {}, { command: 'delete', path: f('a') }, { command: 'view' }, { command: 'create', path: f('a') }]) {
      const r = await editor.run(input);
      expect(r.isError).toBe(true);
      expect(r.content).toMatch(/^Error: invalid input for str_replace_based_edit_tool/);
    }
    expect((await editor.run({ command: 'undo_edit', path: f('a') })).content).toContain('not supported');
  });

  it('reads a relative path as relative to the workspace, and confines it the same way', async () => {
    await writeFile(f('a.txt'), 'relative\n');
    expect(await editor.run({ command: 'view', path: 'a.txt' })).toEqual({ content: '     1\trelative', isError: false });
    const escape = await editor.run({ command: 'view', path: '../outside/secret.txt' });
    expect(escape.isError).toBe(true);
    expect(escape.content).toContain('outside the workspace');
  });

  it('refuses ../ escapes', async () => {
    const escape = `${root}/../outside/secret.txt`;
    const r = await editor.run({ command: 'view', path: escape });
    expect(r.isError).toBe(true);
    expect(r.content).toContain('is outside the workspace');
    const w = await editor.run({ command: 'create', path: `${root}/../outside/new.txt`, file_text: 'x' });
    expect(w.isError).toBe(true);
    expect(await stat(path.join(outside, 'new.txt')).catch(() => null)).toBeNull();
  });

  it('refuses a symlinked file or directory that leads outside', async () => {
    await symlink(path.join(outside, 'secret.txt'), f('link.txt'));
    await symlink(outside, f('linkdir'));
    expect((await editor.run({ command: 'view', path: f('link.txt') })).content).toContain('outside the workspace');
    const edit = await editor.run({ command: 'str_replace', path: f('link.txt'), old_str: 'top', new_str: 'no' });
    expect(edit.isError).toBe(true);
    const create = await editor.run({ command: 'create', path: f('linkdir/sub/new.txt'), file_text: 'x' });
    expect(create.isError).toBe(true);
    expect(await stat(path.join(outside, 'sub')).catch(() => null)).toBeNull();
    expect(await readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('top secret\n');
  });

  it('refuses a path through a broken symlink', async () => {
    await symlink(path.join(outside, 'missing-dir'), f('dangling'));
    const r = await editor.run({ command: 'create', path: f('dangling/x.txt'), file_text: 'x' });
    expect(r.isError).toBe(true);
    expect(await stat(path.join(outside, 'missing-dir')).catch(() => null)).toBeNull();
  });

  it('follows a symlink that stays inside and edits its target', async () => {
    await writeFile(f('real.txt'), 'abc');
    await symlink(f('real.txt'), f('alias.txt'));
    expect((await editor.run({ command: 'str_replace', path: f('alias.txt'), old_str: 'b', new_str: 'B' })).isError).toBe(false);
    expect(await read('real.txt')).toBe('aBc');
  });

  it('accepts a file whose name starts with two dots', async () => {
    const r = await editor.run({ command: 'create', path: f('..hidden-ish'), file_text: 'ok' });
    expect(r.isError).toBe(false);
  });
});

describe('defaults', () => {
  it('clips a huge view at 100 000 characters when no limit is set', async () => {
    await writeFile(f('bundle.js'), 'x'.repeat(300_000));
    const r = await editor.run({ command: 'view', path: f('bundle.js') });
    expect(r.content.length).toBeLessThan(100_200);
    expect(r.content).toContain('[output clipped: showing the first 100000 of 300007 characters');
  });

  it('create leaves no temp file behind', async () => {
    await editor.run({ command: 'create', path: f('a.txt'), file_text: 'x' });
    expect(await readdir(root)).toEqual(['a.txt']);
  });
});
