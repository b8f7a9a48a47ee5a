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
    this.items = [...this.items, { id: -(this.items.length + 1), text: stamped, tone }];
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  lines = (): readonly LogLine[] => this.items;
}

/**
 * The log shown in <Static>: the run's log events and the feed's lines, in arrival order. <Static> prints only the
 * items added since its last render, so the list must only ever grow: `merge` appends what is new to `shown`.
 */
export function mergeLog(shown: readonly LogLine[], fromEvents: readonly LogLine[], fromFeed: readonly LogLine[]): readonly LogLine[] {
  const seen = new Set(shown.map((l) => l.id));
  const fresh = [...fromEvents, ...fromFeed].filter((l) => !seen.has(l.id));
  return fresh.length ? [...shown, ...fresh] : shown;
}
