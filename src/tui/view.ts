import type { CandidateRow } from '../lineage/schema.ts';
import { flatten, indexOfId, moveSelection, reveal, type FlatRow, type TreeNode } from './tree.ts';

/**
 * What the user controls (selection, folds, details, follow, the stop question) and how keys change it, as pure
 * functions: the App only maps Ink's key events to names and carries out the returned effect.
 */
export interface ViewState {
  selectedId: string | null;
  folded: ReadonlySet<string>;
  detailOpen: boolean;
  follow: boolean;
  confirmingStop: boolean;
}

export type KeyName =
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'left' | 'right' | 'enter' | 'escape'
  | 'best' | 'follow' | 'quit' | 'yes' | 'other';

/** quit: leave the view; stop: the user confirmed stopping the run (then the view is left too). */
export type KeyEffect = 'none' | 'quit' | 'stop';

export interface ViewContext {
  forest: readonly TreeNode[];
  candidates: readonly CandidateRow[];
  bestId: string | null;
  newestId: string | null;
  /** True during a run: leaving asks whether to stop it. */
  canStop: boolean;
  pageSize: number;
}

export function initialView(): ViewState {
  return { selectedId: null, folded: new Set(), detailOpen: false, follow: false, confirmingStop: false };
}

export interface InputKey {
  upArrow?: boolean; downArrow?: boolean; leftArrow?: boolean; rightArrow?: boolean; return?: boolean;
  escape?: boolean; pageUp?: boolean; pageDown?: boolean; ctrl?: boolean;
}

/** Ink's (input, key) to a key name. Ctrl+C is `quit`, so during a run it asks like q does. */
export function keyName(input: string, key: InputKey): KeyName {
  if (key.upArrow || input === 'k') return 'up';
  if (key.downArrow || input === 'j') return 'down';
  if (key.leftArrow || input === 'h') return 'left';
  if (key.rightArrow || input === 'l') return 'right';
  if (key.pageUp) return 'pageUp';
  if (key.pageDown || input === ' ') return 'pageDown';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.ctrl && input === 'c') return 'quit';
  switch (input) {
    case 'g': return 'home';
    case 'G': return 'end';
    case 'b': return 'best';
    case 'f': return 'follow';
    case 'q': return 'quit';
    case 'y': case 'Y': return 'yes';
    default: return 'other';
  }
}

/**
 * Ink hands a chunk of plain typing (fast keys, key repeat, tmux send-keys) over as one string; each character is
 * a key of its own here, so "jj" moves two rows.
 */
export function keyNames(input: string, key: InputKey & { meta?: boolean }): KeyName[] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta) return [keyName(input, key)];
  return chars.map((ch) => (ch === '\r' || ch === '\n' ? 'enter' : ch === '\u001b' ? 'escape' : keyName(ch, {})));
}

export function visibleRows(state: ViewState, ctx: ViewContext): FlatRow[] {
  return flatten(ctx.forest, state.folded);
}

function select(state: ViewState, ctx: ViewContext, id: string | null, follow = false): ViewState {
  if (!id) return state;
  return { ...state, selectedId: id, folded: reveal(state.folded, ctx.candidates, id), follow };
}

export function reduceKey(state: ViewState, key: KeyName, ctx: ViewContext): { state: ViewState; effect: KeyEffect } {
  if (state.confirmingStop) {
    if (key === 'yes') return { state: { ...state, confirmingStop: false }, effect: 'stop' };
    return { state: { ...state, confirmingStop: false }, effect: 'none' };
  }
  const rows = visibleRows(state, ctx);
  const moved = (delta: number) => ({ ...state, selectedId: moveSelection(rows, state.selectedId, delta), follow: false });
  const current = rows[indexOfId(rows, state.selectedId)];
  const none = (s: ViewState) => ({ state: s, effect: 'none' as const });
  switch (key) {
    case 'up': return none(moved(-1));
    case 'down': return none(moved(1));
    case 'pageUp': return none(moved(-Math.max(1, ctx.pageSize - 1)));
    case 'pageDown': return none(moved(Math.max(1, ctx.pageSize - 1)));
    case 'home': return none(moved(-rows.length));
    case 'end': return none(moved(rows.length));
    case 'left': {
      if (!current) return none(moved(0));
      if (current.hasChildren && !current.folded) return none({ ...state, folded: new Set([...state.folded, current.id]), follow: false });
      return none({ ...state, selectedId: current.parentId ?? current.id, follow: false });
    }
    case 'right': {
      if (!current) return none(moved(0));
      if (current.folded) {
        const folded = new Set(state.folded);
        folded.delete(current.id);
        return none({ ...state, folded, follow: false });
      }
      return none(current.hasChildren ? moved(1) : state);
    }
    case 'enter': return none({ ...state, detailOpen: !state.detailOpen, selectedId: state.selectedId ?? rows[0]?.id ?? null });
    case 'escape': return none({ ...state, detailOpen: false });
    case 'best': return none(select(state, ctx, ctx.bestId));
    case 'follow': return none(state.follow ? { ...state, follow: false } : select(state, ctx, ctx.newestId ?? state.selectedId, true));
    case 'quit': return ctx.canStop ? none({ ...state, confirmingStop: true }) : { state, effect: 'quit' };
    default: return none(state);
  }
}

/** After new data: follow the newest activity when asked to, and select the first row when nothing is. */
export function onData(state: ViewState, ctx: ViewContext): ViewState {
  if (state.follow && ctx.newestId && ctx.newestId !== state.selectedId) return select(state, ctx, ctx.newestId, true);
  if (state.selectedId == null || !ctx.candidates.some((c) => c.id === state.selectedId)) {
    const first = ctx.forest[0]?.candidate.id ?? null;
    return first === state.selectedId ? state : { ...state, selectedId: first };
  }
  return state;
}
