import { describe, expect, it } from 'vitest';
import { isReadOnlyCommand, readOnly } from '../../src/agent/toolbox.ts';
import { tinyToolbox } from './helpers.ts';

describe('read-only commands (a pure approval function)', () => {
  it.each([
    ['ls -la src', true],
    ['cat package.json', true],
    ['grep -rn "export" src | head -20', true],
    ['find . -name "*.ts" | wc -l', true],
    ['sed -n 1,40p src/a.ts', true],
    ['git log --oneline -5', true],
    ['git diff HEAD~1', true],
    ['rm -rf src', false],
    ['cat a > b', false],
    ['ls; rm x', false],
    ['ls && touch x', false],
    ['ls || touch x', false],
    ['echo $(rm x)', false],
    ['echo `rm x`', false],
    ['find . -delete', false],
    ['find . -exec rm {} ;', false],
    ['sed -i s/a/b/ f', false],
    ['sed -n -i p f', false],
    ['git commit -m x', false],
    ['git checkout .', false],
    ['npm install', false],
    ['sleep 100 &', false],
    ['', false],
  ])('%s → %s', (command, expected) => {
    expect(isReadOnlyCommand(command)).toBe(expected);
  });
});

describe('the read-only toolbox', () => {
  it('lets views and reads through and refuses writes with a message the model reads', async () => {
    const { toolbox, calls } = tinyToolbox();
    const ro = readOnly(toolbox);
    expect(ro.definitions).toBe(toolbox.definitions);
    expect(await ro.run('str_replace_based_edit_tool', { command: 'view', path: 'a' })).toEqual({ content: 'ok', isError: false });
    expect(await ro.run('bash', { command: 'ls' })).toEqual({ content: 'ok', isError: false });
    expect((await ro.run('str_replace_based_edit_tool', { command: 'create', path: 'a', file_text: 'x' })).isError).toBe(true);
    expect((await ro.run('bash', { command: 'rm -rf /' })).content).toMatch(/Read-only phase/);
    expect(calls).toHaveLength(2);
  });
});
