/**
 * How an event is stored compactly in `event_rows` (schema version 6, docs/lineage.md "How events are stored") and
 * read back as the contract's columns. Pure functions; the SQL view `events` does the same decoding in SQL, so a
 * user's `sqlite3` sees exactly what these functions return.
 *
 * - `at`: integer milliseconds since 1970 when the text is the canonical form `new Date(ms).toISOString()` makes
 *   (every timestamp the store writes), else the text as given (the column has no type affinity).
 * - `data_json`: a JSON object's keys live once in a *shape* (event_shapes); the row keeps a JSON array of its
 *   values. Short label values (a model name, a tool name, ok true/false) are part of the shape too, so the row
 *   does not repeat them. Anything else (not a plain object, too many shapes) is stored as its JSON text, shape NULL.
 */

/** Fields whose short scalar values are kept in the shape instead of every row: few distinct values each. */
const LABEL_FIELDS = new Set([
  'model', 'tool', 'source', 'name', 'stop_reason', 'status', 'stream', 'ok', 'success', 'timed_out', 'strategy',
  'parser', 'via', 'scope', 'unit', 'sized_by', 'sandbox', 'sandboxed', 'agent', 'start', 'entry', 'from_step',
  'claimed', 'client_closed', 'usage_unknown',
]);
const MAX_LABEL_LENGTH = 64;

/** Past this many shapes in a file, new ones are not made (data is stored as text): hostile labels cannot bloat it. */
export const MAX_SHAPES = 10_000;

/** A shape as stored: JSON arrays aligned by key position. */
export interface StoredShape {
  /** The object's keys in order. */
  keys: string;
  /** Per key: `[value]` when the value is part of the shape, null when the row holds it. */
  fixed: string;
  /** Per key: its index in the row's array of values, null when fixed. */
  slots: string;
}

/**
 * Where the shape of an object is found without making a string of it: one step per key (a label field's step
 * also by its value). Keys are the writer's own property names, so each lookup hashes a string already hashed.
 */
export interface ShapeNode {
  plain?: Map<string, ShapeNode>;
  label?: Map<string, Map<unknown, ShapeNode>>;
  /** The shape's id in event_shapes once known; null when it could not be made (MAX_SHAPES). */
  id?: number | null;
}

export interface SplitData {
  /** The node of the data's shape in the writer's tree (its id undefined when not known yet). */
  node: ShapeNode;
  /** The row's `data`: a JSON array of the values that are not fixed. */
  values: string;
  /** Builds the shape, only when it is new. */
  shape(): StoredShape;
}

function isLabel(value: unknown): boolean {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
    || (typeof value === 'string' && value.length <= MAX_LABEL_LENGTH);
}

/** Whether `JSON.stringify` keeps a key of that value (it leaves out undefined, functions and symbols). */
const kept = (value: unknown): boolean =>
  value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';

/**
 * Splits an event's data into shape and values, walking (and growing) the tree of shapes from `root`; null when it
 * is stored as JSON text (not a plain object, or a new shape while `grow` is false: the tree stays bounded however
 * many labels an agent makes up). Only the values are serialized on this path, one call per event.
 */
export function splitData(data: unknown, root: ShapeNode, grow = true): SplitData | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const proto = Object.getPrototypeOf(data);
  if (proto !== Object.prototype && proto !== null) return null;
  const record = data as Record<string, unknown>;
  const values: unknown[] = [];
  let node = root;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (!kept(value)) continue;
    let next: ShapeNode | undefined;
    if (LABEL_FIELDS.has(key) && isLabel(value)) {
      node.label ??= new Map();
      let byValue = node.label.get(key);
      if (!byValue) node.label.set(key, (byValue = new Map()));
      next = byValue.get(value);
      if (!next && grow) byValue.set(value, (next = {}));
    } else {
      node.plain ??= new Map();
      next = node.plain.get(key);
      if (!next && grow) node.plain.set(key, (next = {}));
      values.push(value);
    }
    if (!next) return null; // a new shape when no more are made: stored as text
    node = next;
  }
  return { node, values: JSON.stringify(values), shape: () => shapeOf(record) };
}

function shapeOf(record: Record<string, unknown>): StoredShape {
  const keys = Object.keys(record).filter((key) => kept(record[key]));
  const fixed = keys.map((key) => (LABEL_FIELDS.has(key) && isLabel(record[key]) ? JSON.stringify(record[key]) : null));
  let slot = 0;
  return {
    keys: JSON.stringify(keys),
    fixed: `[${fixed.map((f) => (f === null ? 'null' : `[${f}]`)).join(',')}]`,
    slots: JSON.stringify(fixed.map((f) => (f === null ? slot++ : null))),
  };
}

/** A shape parsed for decoding. */
export interface Shape {
  keys: string[];
  fixed: ([unknown] | null)[];
  slots: (number | null)[];
}

export function parseShape(stored: StoredShape): Shape {
  return {
    keys: JSON.parse(stored.keys) as string[],
    fixed: JSON.parse(stored.fixed) as ([unknown] | null)[],
    slots: JSON.parse(stored.slots) as (number | null)[],
  };
}

/** The data_json text of a row stored with a shape. */
export function joinData(shape: Shape, data: string): string {
  const values = JSON.parse(data) as unknown[];
  const object: Record<string, unknown> = {};
  for (let i = 0; i < shape.keys.length; i++) {
    const fixed = shape.fixed[i];
    object[shape.keys[i]] = fixed ? fixed[0] : values[shape.slots[i]!];
  }
  return JSON.stringify(object);
}

/** The last year `strftime('%Y')` writes with four digits, as toISOString does. */
const YEAR_10000_MS = 253_402_300_800_000;

let lastAtText = '';
let lastAtMs = 0;

/** `at` as stored: integer ms for a canonical ISO-8601 UTC timestamp, else the text itself. */
export function storedAt(at: string): number | string {
  if (at === lastAtText) return lastAtMs;
  const ms = Date.parse(at);
  if (!(ms >= 0 && ms < YEAR_10000_MS) || new Date(ms).toISOString() !== at) return at;
  lastAtText = at;
  lastAtMs = ms;
  return ms;
}

let lastMs = Number.NaN;
let lastText = '';

/** The contract's `at` text of a stored value. */
export function atText(stored: number | string): string {
  if (typeof stored !== 'number') return stored;
  if (stored !== lastMs) {
    lastMs = stored;
    lastText = new Date(stored).toISOString();
  }
  return lastText;
}
