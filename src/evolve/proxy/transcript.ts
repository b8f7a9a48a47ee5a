/**
 * What one call may add to lineage.db. Transcripts are for reading back what a candidate asked and got, and a
 * candidate decides their size: a 30 MB base64 image, or the same long text in every call. So the stored copy
 * keeps every structure but not every byte: inline base64 payloads (`source.data` of images and documents) are
 * replaced by a note of their size, any other string past MAX_STRING_CHARS keeps its head and tail, and once the
 * call's strings pass MAX_TRANSCRIPT_CHARS the rest are cut to a note. Usage and cost are recorded separately and
 * exactly; only the stored text is cut.
 */

/** The most characters one string of a stored transcript keeps (head and tail halves). */
export const MAX_STRING_CHARS = 64 * 1024;
/** The most characters of strings one stored call (request and response together) keeps. */
export const MAX_TRANSCRIPT_CHARS = 1024 * 1024;

/** A bounded copy of `value` (a request or response body) for the store; `budget` is shared by the call's parts. */
export function capTranscript(value: unknown, budget = { chars: MAX_TRANSCRIPT_CHARS }): unknown {
  const visit = (v: unknown, key: string | null, parent: Record<string, unknown> | null, depth: number): unknown => {
    if (typeof v === 'string') {
      if (key === 'data' && parent?.type === 'base64') return `[base64 payload of ${v.length} characters, not stored]`;
      if (budget.chars <= 0) return `[${v.length} characters, not stored: the call's transcript is over its cap]`;
      const kept = v.length > MAX_STRING_CHARS
        ? `${v.slice(0, MAX_STRING_CHARS / 2)}[… ${v.length - MAX_STRING_CHARS} characters not stored …]${v.slice(-MAX_STRING_CHARS / 2)}`
        : v;
      budget.chars -= kept.length;
      return kept;
    }
    if (v === null || typeof v !== 'object') return v;
    if (depth > 64) return '[nested too deep, not stored]';
    if (Array.isArray(v)) return v.map((item) => visit(item, null, null, depth + 1));
    const record = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(record)) out[k] = visit(child, k, record, depth + 1);
    return out;
  };
  return visit(value, null, null, 0);
}
