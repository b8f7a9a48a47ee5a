import type { LogLine } from './activity.ts';

/**
 * Lines from outside the database (the runner's own progress messages) for the view's log above the live area.
 * A tiny external store for React's useSyncExternalStore: append-only, a new array on every push.
 */
export class LogFeed {
  private items: LogLine[] = [];
  private readonly listeners = new Set<() => void>();

  /** Adds a line, stamped with the time (UTC, like the event lines). */
  push(text: string, tone: LogLine['tone'] = 'info', at = new Date()): void {
    const stamped = `${at.toISOString().slice(11, 19)}  ${text}`;
    this.items = [...this.items, { id: -(this.items.length + 1), text: stamped, tone, at: at.getTime() }];
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  lines = (): readonly LogLine[] => this.items;
}

/**
 * The log shown in <Static>: the run's log events and the feed's lines, in the order they happened. <Static> prints
 * only the items added since its last render, so the list must only ever grow: `merge` appends what is new to
 * `shown`. A feed line waits until the database has been read after it (`readAt`, or `final` once the run is over):
 * the runner records a generation's selection and then says it forks the next one, and the view must not print the
 * announcement before the selection it follows from.
 */
export function mergeLog(shown: readonly LogLine[], fromEvents: readonly LogLine[], fromFeed: readonly LogLine[],
  readAt = Infinity): readonly LogLine[] {
  const seen = new Set(shown.map((l) => l.id));
  const ready = fromFeed.filter((l) => !(l.at > readAt));
  const fresh = [...fromEvents, ...ready].filter((l) => !seen.has(l.id));
  if (!fresh.length) return shown;
  // Stable: lines of the same moment keep their arrival order; a line of an unknown moment (NaN) goes last.
  const when = (l: LogLine) => (Number.isNaN(l.at) ? Number.MAX_VALUE : l.at);
  fresh.sort((a, b) => when(a) - when(b));
  return [...shown, ...fresh];
}
