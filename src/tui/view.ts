import type { TreeLayout } from './layout.ts';
import type { FlatRow } from './tree.ts';
import { findCandidate, foldAllBut, nextActive, type Direction } from './navigate.ts';

/**
 * What the user controls (selection, folds, details, follow, the stop question, a search or generation prompt) and
 * how keys change it, as pure functions over the kept layout: the App only maps Ink's key events to names and
 * carries out the returned effect. A key's work is a lookup in the layout, not a walk over the population (the
 * searches — next running, a goal's text, a generation — walk it once, on their key).
 */
export interface Prompt {
  kind: 'search' | 'generation';
  text: string;
}

export interface ViewState {
  selectedId: string | null;
  folded: ReadonlySet<string>;
  detailOpen: boolean;
  follow: boolean;
  confirmingStop: boolean;
  /** The line being typed after `/` or `:`, shown instead of the key hints. */
  prompt: Prompt | null;
  /** The last search, for n and N. */
  search: string;
  /** A one-off answer for the hints line (e.g. "no match"); cleared by the next key. */
  message: string;
}

export type KeyName =
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'left' | 'right' | 'enter' | 'escape' | 'backspace'
  | 'best' | 'follow' | 'quit' | 'yes' | 'running' | 'search' | 'generation' | 'next' | 'previous'
  | 'foldOthers' | 'unfoldAll' | 'other';

/** A key and the character typed (what a prompt takes; empty for arrows and the like). */
export interface KeyPress {
  name: KeyName;
  char: string;
}

/** quit: leave the view; stop: the user confirmed stopping the run (then the view is left too). */
export type KeyEffect = 'none' | 'quit' | 'stop';

export interface ViewContext {
  /** The tree as the screen shows it; reduceKey brings its folds in line with the state first. */
  layout: TreeLayout;
  bestId: string | null;
  newestId: string | null;
  /** True during a run: leaving asks whether to stop it. */
  canStop: boolean;
  pageSize: number;
}

export function initialView(): ViewState {
  return { selectedId: null, folded: new Set(), detailOpen: false, follow: false, confirmingStop: false, prompt: null, search: '', message: '' };
}

export interface InputKey {
  upArrow?: boolean; downArrow?: boolean; leftArrow?: boolean; rightArrow?: boolean; return?: boolean;
  escape?: boolean; pageUp?: boolean; pageDown?: boolean; ctrl?: boolean; backspace?: boolean; delete?: boolean;
}

const LETTERS: Record<string, KeyName> = {
  g: 'home', G: 'end', b: 'best', f: 'follow', q: 'quit', y: 'yes', Y: 'yes', r: 'running', '/': 'search',
  ':': 'generation', n: 'next', N: 'previous', z: 'foldOthers', Z: 'unfoldAll',
};

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
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input === 'c') return 'quit';
  return LETTERS[input] ?? 'other';
}

/**
 * Ink hands a chunk of plain typing (fast keys, key repeat, tmux send-keys) over as one string; each character is
 * a key of its own here, so "jj" moves two rows.
 */
export function keyNames(input: string, key: InputKey & { meta?: boolean }): KeyName[] {
  return keyPresses(input, key).map((k) => k.name);
}

export function keyPresses(input: string, key: InputKey & { meta?: boolean }): KeyPress[] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta) return [{ name: keyName(input, key), char: key.ctrl || key.meta ? '' : input }];
  return chars.map((ch) => ({
    name: ch === '\r' || ch === '\n' ? 'enter' : ch === '\u001b' ? 'escape' : ch === '\u007f' || ch === '\b' ? 'backspace' : keyName(ch, {}),
    char: ch,
  }));
}

/** The rows the state shows (every one formatted: for tests and small trees; frames take a window). */
export function visibleRows(state: ViewState, ctx: ViewContext): FlatRow[] {
  ctx.layout.setFolded(state.folded);
  return ctx.layout.flatRows();
}

/** Selects `id`, unfolding its ancestors so that it shows. */
function select(state: ViewState, ctx: ViewContext, id: string | null, follow = false): ViewState {
  if (!id) return state;
  const ancestors = ctx.layout.ancestorIds(id);
  let folded = state.folded;
  if (ancestors.some((a) => folded.has(a))) {
    const next = new Set(folded);
    for (const a of ancestors) next.delete(a);
    folded = next;
  }
  return { ...state, selectedId: id, folded, follow };
}

function moveBy(state: ViewState, layout: TreeLayout, delta: number): ViewState {
  if (!layout.length) return { ...state, selectedId: null, follow: false };
  const at = layout.indexOf(state.selectedId);
  const to = at < 0 ? 0 : Math.min(layout.length - 1, Math.max(0, at + delta));
  return { ...state, selectedId: layout.row(to)!.id, follow: false };
}

export function reduceKey(state: ViewState, press: KeyName | KeyPress, ctx: ViewContext): { state: ViewState; effect: KeyEffect } {
  const key = typeof press === 'string' ? { name: press, char: '' } : press;
  const none = (s: ViewState) => ({ state: s, effect: 'none' as const });
  if (state.confirmingStop) {
    if (key.name === 'yes') return { state: { ...state, confirmingStop: false }, effect: 'stop' };
    return none({ ...state, confirmingStop: false });
  }
  // Ctrl+C (`quit` with no character typed) still asks to leave while a prompt is open; q is typed into it.
  const ctrlC = key.name === 'quit' && !key.char;
  if (state.prompt && !ctrlC) return none(typing(state, state.prompt, key, ctx));
  const { layout } = ctx;
  layout.setFolded(state.folded);
  const s = state.message || state.prompt ? { ...state, message: '', prompt: null } : state;
  const current = layout.row(layout.indexOf(s.selectedId));
  switch (key.name) {
    case 'up': return none(moveBy(s, layout, -1));
    case 'down': return none(moveBy(s, layout, 1));
    case 'pageUp': return none(moveBy(s, layout, -Math.max(1, ctx.pageSize - 1)));
    case 'pageDown': return none(moveBy(s, layout, Math.max(1, ctx.pageSize - 1)));
    case 'home': return none(moveBy(s, layout, -layout.length));
    case 'end': return none(moveBy(s, layout, layout.length));
    case 'left': {
      if (!current) return none(moveBy(s, layout, 0));
      if (current.hasChildren && !current.folded) return none({ ...s, folded: new Set([...s.folded, current.id]), follow: false });
      return none({ ...s, selectedId: current.parentId ?? current.id, follow: false });
    }
    case 'right': {
      if (!current) return none(moveBy(s, layout, 0));
      if (current.folded) {
        const folded = new Set(s.folded);
        folded.delete(current.id);
        return none({ ...s, folded, follow: false });
      }
      return none(current.hasChildren ? moveBy(s, layout, 1) : s);
    }
    case 'enter': return none({ ...s, detailOpen: !s.detailOpen, selectedId: s.selectedId ?? layout.row(0)?.id ?? null });
    case 'escape': return none({ ...s, detailOpen: false });
    case 'best': return none(select(s, ctx, ctx.bestId));
    case 'follow': return none(s.follow ? { ...s, follow: false } : select(s, ctx, ctx.newestId ?? s.selectedId, true));
    case 'running': {
      const id = nextActive(layout, s.selectedId);
      return none(id ? select(s, ctx, id) : { ...s, message: 'nothing is running' });
    }
    case 'search': return none({ ...s, prompt: { kind: 'search', text: '' } });
    case 'generation': return none({ ...s, prompt: { kind: 'generation', text: '' } });
    case 'next': case 'previous': return none(s.search ? jumpToMatch(s, ctx, s.search, key.name === 'next' ? 1 : -1) : { ...s, message: 'no search yet: / to search' });
    case 'foldOthers': {
      const folded = foldAllBut(layout, ctx.bestId);
      return none({ ...s, folded, selectedId: ctx.bestId ?? s.selectedId, follow: false });
    }
    case 'unfoldAll': return none({ ...s, folded: new Set() });
    case 'quit': return ctx.canStop ? none({ ...s, confirmingStop: true }) : { state: s, effect: 'quit' };
    default: return none(s);
  }
}

/** A key while a prompt is open: printable characters are typed, enter runs it, escape closes it. */
function typing(state: ViewState, prompt: Prompt, key: KeyPress, ctx: ViewContext): ViewState {
  if (key.name === 'escape') return { ...state, prompt: null };
  if (key.name === 'backspace') return { ...state, prompt: { ...prompt, text: prompt.text.slice(0, -1) } };
  if (key.name === 'enter') {
    const text = prompt.text.trim();
    const closed = { ...state, prompt: null };
    if (!text) return closed;
    ctx.layout.setFolded(state.folded);
    if (prompt.kind === 'search') return jumpToMatch({ ...closed, search: text }, ctx, text, 1);
    const generation = Number(text);
    if (!/^\d+$/.test(text)) return { ...closed, message: `not a generation: ${text}` };
    const id = findCandidate(ctx.layout, null, 1, (c) => c.generation === generation);
    return id ? select(closed, ctx, id) : { ...closed, message: `no candidate in generation ${generation}` };
  }
  // Printable characters only: the prompt shows what is typed, and a control character would draw on the screen.
  if (!key.char || !/^[\p{L}\p{N}\p{P}\p{S} ]$/u.test(key.char)) return state;
  return { ...state, prompt: { ...prompt, text: prompt.text + key.char } };
}

/** The next (or previous) candidate whose id starts with `text` or whose goal holds it, from the selection on. */
function jumpToMatch(state: ViewState, ctx: ViewContext, text: string, direction: Direction): ViewState {
  const needle = text.toLowerCase();
  const id = findCandidate(ctx.layout, state.selectedId, direction,
    (c) => c.id.toLowerCase().startsWith(needle) || (c.goal ?? '').toLowerCase().includes(needle));
  return id ? select(state, ctx, id) : { ...state, message: `no match for "${text}"` };
}

/** After new data: follow the newest activity when asked to, and select the first row when nothing is. */
export function onData(state: ViewState, ctx: ViewContext): ViewState {
  if (state.follow && ctx.newestId && ctx.newestId !== state.selectedId) return select(state, ctx, ctx.newestId, true);
  if (state.selectedId == null || !ctx.layout.candidate(state.selectedId)) {
    const first = ctx.layout.firstRootId();
    return first === state.selectedId ? state : { ...state, selectedId: first };
  }
  return state;
}
