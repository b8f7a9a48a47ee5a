import { describe, expect, it } from 'vitest';
import { TreeLayout } from '../../src/tui/layout.ts';
import { initialView, keyPresses, onData, reduceKey, visibleRows, type KeyName, type KeyPress, type ViewContext, type ViewState } from '../../src/tui/view.ts';
import { fixtureRows, syntheticRows } from './fixture.ts';

const { candidates } = fixtureRows();
const ctx = (over: Partial<ViewContext> = {}): ViewContext => ({
  layout: new TreeLayout(candidates), bestId: 'd3e4f5a6', newestId: '0a1b2c3d', canStop: false, pageSize: 4, ...over,
});
const NAMES = new Set(['up', 'down', 'left', 'right', 'pageDown', 'home', 'end', 'enter', 'escape', 'backspace', 'best',
  'running', 'search', 'generation', 'next', 'previous', 'foldOthers', 'unfoldAll']);
/** Keys by name, or typed text as Ink hands it over (each character a key). */
const press = (keys: (KeyName | string)[], c = ctx(), start: ViewState = onData(initialView(), c)) => {
  let state = start;
  for (const k of keys) {
    const presses: (KeyName | KeyPress)[] = NAMES.has(k) ? [k as KeyName] : keyPresses(k, {});
    for (const p of presses) state = reduceKey(state, p, c).state;
  }
  return state;
};

describe('navigation that scales', () => {
  it('maps the new keys', () => {
    expect(keyPresses('r/:nNzZ', {}).map((k) => k.name)).toEqual(['running', 'search', 'generation', 'next', 'previous', 'foldOthers', 'unfoldAll']);
    expect(keyPresses('\u007f', { backspace: true })[0].name).toBe('backspace');
  });

  it('r jumps to the next running or evaluating candidate, wrapping, and unfolds its ancestors', () => {
    const first = press(['running']);
    expect(first.selectedId).toBe('0a1b2c3d');
    expect(press(['running', 'running']).selectedId).toBe('4e5f6a7b');
    expect(press(['running', 'running', 'running']).selectedId).toBe('0a1b2c3d');
    const folded = press(['left', 'running']);
    expect(folded.selectedId).toBe('0a1b2c3d');
    expect(folded.folded.has('seed0000')).toBe(false);
    const idle = ctx({ layout: new TreeLayout(candidates.filter((c) => c.status !== 'running' && c.status !== 'evaluating')) });
    expect(press(['running'], idle).message).toBe('nothing is running');
  });

  it('/ searches ids and goals (case-insensitive) from the selection on; n and N step through the matches', () => {
    const c = ctx();
    const typing = press(['search', 'CACHE'], c);
    expect(typing.prompt).toEqual({ kind: 'search', text: 'CACHE' });
    const found = press(['search', 'CACHE\r'], c);
    expect(found).toMatchObject({ selectedId: 'a1b2c3d4', prompt: null, search: 'CACHE' });
    // "the" is in several goals: n walks forward in tree order, N back.
    const the = press(['search', 'the\r'], c);
    const next = press(['next'], c, the);
    expect(next.selectedId).not.toBe(the.selectedId);
    expect(press(['previous'], c, next).selectedId).toBe(the.selectedId);
    expect(press(['search', 'e7f8\r'], c).selectedId).toBe('e7f8a9b0');
    expect(press(['search', 'nothing like this\r'], c).message).toBe('no match for "nothing like this"');
    expect(press(['search', 'abc', 'backspace', 'escape'], c)).toMatchObject({ prompt: null, search: '' });
    expect(press(['next'], c).message).toMatch(/no search yet/);
    // q is typed into the prompt; Ctrl+C (quit with no character) closes it and leaves.
    expect(press(['search', 'q'], c).prompt?.text).toBe('q');
    const open = press(['search', 'ab'], c);
    const ctrlC = reduceKey(open, keyPresses('c', { ctrl: true })[0], c);
    expect(ctrlC).toMatchObject({ effect: 'quit', state: { prompt: null } });
  });

  it(': goes to the first candidate of a generation, unfolding what hides it', () => {
    const c = ctx();
    expect(press(['generation', '2\r'], c).selectedId).toBe('d3e4f5a6');
    const hidden = press(['down', 'left', 'generation', '3\r'], c);
    expect(hidden.selectedId).toBe('0a1b2c3d');
    expect(hidden.folded.has('a1b2c3d4')).toBe(false);
    expect(press(['generation', '9\r'], c).message).toBe('no candidate in generation 9');
    expect(press(['generation', 'x2\r'], c).message).toBe('not a generation: x2');
  });

  it('z folds everything but the path to the best; Z unfolds all', () => {
    const c = ctx();
    const z = press(['foldOthers'], c);
    expect(z.selectedId).toBe('d3e4f5a6');
    expect(visibleRows(z, c).map((r) => `${r.id}${r.folded ? '▸' : ''}`)).toEqual(
      ['seed0000', 'a1b2c3d4', 'd3e4f5a6▸', 'e7f8a9b0', 'b5e6f708▸', 'c9d0e1f2']);
    expect(visibleRows(press(['unfoldAll'], c, z), c)).toHaveLength(candidates.length);
  });

  it('keeps a key at 10,000 candidates a lookup: moving, folding and jumping stay correct on a big tree', () => {
    const rows = syntheticRows(10_000);
    const big = ctx({ layout: new TreeLayout(rows), bestId: rows[9_000].id, pageSize: 30 });
    const s = press(['end', 'home', 'pageDown', 'pageDown', 'down'], big);
    expect(big.layout.indexOf(s.selectedId)).toBe(59);
    const z = press(['foldOthers', 'end'], big);
    expect(big.layout.length).toBeLessThan(rows.length);
    expect(big.layout.row(big.layout.length - 1)!.id).toBe(z.selectedId);
    expect(press(['generation', '500\r'], big).selectedId).toBe(rows.find((r) => r.generation === 500)!.id);
  });
});
