import { describe, expect, it } from 'vitest';
import { TreeLayout } from '../../src/tui/layout.ts';
import { initialView, keyName, keyNames, onData, reduceKey, visibleRows, type KeyName, type ViewContext, type ViewState } from '../../src/tui/view.ts';
import { fixtureRows } from './fixture.ts';

const { candidates } = fixtureRows();
const ctx = (over: Partial<ViewContext> = {}): ViewContext => ({
  layout: new TreeLayout(candidates), bestId: 'd3e4f5a6', newestId: '0a1b2c3d', canStop: false, pageSize: 4, ...over,
});
const press = (keys: KeyName[], start: ViewState = onData(initialView(), ctx()), c = ctx()) => {
  let state = start;
  const effects: string[] = [];
  for (const k of keys) {
    const r = reduceKey(state, k, c);
    state = r.state;
    effects.push(r.effect);
  }
  return { state, effects };
};

describe('keys', () => {
  it('maps arrows, vim keys, enter, letters and Ctrl+C', () => {
    expect(keyName('', { upArrow: true })).toBe('up');
    expect(keyName('j', {})).toBe('down');
    expect(keyName('', { leftArrow: true })).toBe('left');
    expect(keyName('', { return: true })).toBe('enter');
    expect(keyName('c', { ctrl: true })).toBe('quit');
    expect(['b', 'f', 'q', 'y', 'x'].map((k) => keyName(k, {}))).toEqual(['best', 'follow', 'quit', 'yes', 'other']);
    expect(keyNames('jj\r', {})).toEqual(['down', 'down', 'enter']);
  });

  it('starts on the seed and moves up and down, paging by the window', () => {
    expect(onData(initialView(), ctx()).selectedId).toBe('seed0000');
    expect(press(['down', 'down']).state.selectedId).toBe('d3e4f5a6');
    expect(press(['down', 'up', 'up']).state.selectedId).toBe('seed0000');
    expect(press(['pageDown']).state.selectedId).toBe('0a1b2c3d');
    expect(press(['end']).state.selectedId).toBe('c9d0e1f2');
    expect(press(['end', 'home']).state.selectedId).toBe('seed0000');
  });

  it('folds with left, unfolds with right, and walks to the parent from a leaf or folded node', () => {
    const folded = press(['down', 'left']).state;
    expect(folded.folded.has('a1b2c3d4')).toBe(true);
    expect(visibleRows(folded, ctx()).map((r) => r.id)).toEqual(['seed0000', 'a1b2c3d4', 'b5e6f708', 'f1a2b3c4', '8c9d0e1f', 'c9d0e1f2']);
    expect(press(['left'], folded).state.selectedId).toBe('seed0000');
    const open = press(['right'], folded).state;
    expect(open.folded.has('a1b2c3d4')).toBe(false);
    expect(press(['right'], open).state.selectedId).toBe('d3e4f5a6');
    expect(press(['end', 'left']).state.selectedId).toBe('seed0000');
  });

  it('toggles the details with enter and closes them with escape', () => {
    expect(press(['enter']).state.detailOpen).toBe(true);
    expect(press(['enter', 'enter']).state.detailOpen).toBe(false);
    expect(press(['enter', 'escape']).state.detailOpen).toBe(false);
  });

  it('jumps to the best candidate, unfolding its ancestors', () => {
    const s = press(['left', 'best']).state;
    expect(s.selectedId).toBe('d3e4f5a6');
    expect(s.folded.size).toBe(0);
  });

  it('follows the newest activity until the user moves', () => {
    const on = press(['follow']).state;
    expect(on).toMatchObject({ selectedId: '0a1b2c3d', follow: true });
    expect(onData(on, ctx({ newestId: '4e5f6a7b' })).selectedId).toBe('4e5f6a7b');
    const moved = press(['up'], on).state;
    expect(moved.follow).toBe(false);
    expect(onData(moved, ctx({ newestId: '4e5f6a7b' })).selectedId).toBe(moved.selectedId);
    expect(press(['follow', 'follow']).state.follow).toBe(false);
  });

  it('q leaves at once when watching', () => {
    expect(press(['quit']).effects).toEqual(['quit']);
  });

  it('q during a run asks first; only y stops, anything else cancels', () => {
    const running = ctx({ canStop: true });
    const asked = press(['quit'], undefined, running);
    expect(asked.state.confirmingStop).toBe(true);
    expect(asked.effects).toEqual(['none']);
    expect(press(['quit', 'yes'], undefined, running).effects).toEqual(['none', 'stop']);
    for (const other of ['other', 'enter', 'escape', 'quit'] as KeyName[]) {
      const r = press(['quit', other], undefined, running);
      expect(r.effects).toEqual(['none', 'none']);
      expect(r.state.confirmingStop).toBe(false);
    }
  });
});
