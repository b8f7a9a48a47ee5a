/**
 * What is kept of a command's output for a user to read (the `output_tail` of `built`, `tested` and
 * `agent_finished` events), and the one line of it that says why it failed (in the candidate's `error`, the
 * `scored` event's reason and the console line). Pure functions.
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

/** `text` without terminal colour and cursor sequences (test runners colour their output even when piped). */
export function withoutAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Bytes kept of the start and of the end of an output (whole lines each): 24 KiB in all. */
export const KEPT_HEAD_BYTES = 8 * 1024;
export const KEPT_TAIL_BYTES = 16 * 1024;

/**
 * The output as kept: all of it when it is short, else whole lines from its start (up to KEPT_HEAD_BYTES) and from
 * its end (up to KEPT_TAIL_BYTES) with a marker line for what was cut between them. A single line longer than its
 * share is cut at the share, marked too.
 */
export function keptOutput(output: string, headBytes = KEPT_HEAD_BYTES, tailBytes = KEPT_TAIL_BYTES): string {
  if (Buffer.byteLength(output) <= headBytes + tailBytes) return output;
  const lines = output.split('\n');
  const head: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + Buffer.byteLength(line) + 1 > headBytes) break;
    used += Buffer.byteLength(line) + 1;
    head.push(line);
  }
  const tail: string[] = [];
  used = 0;
  for (let i = lines.length - 1; i >= head.length && used + Buffer.byteLength(lines[i]) + 1 <= tailBytes; i--) {
    used += Buffer.byteLength(lines[i]) + 1;
    tail.unshift(lines[i]);
  }
  const cut = lines.slice(head.length, lines.length - tail.length);
  // A line too long for the tail's share: its end is what matters (the summary, the error).
  if (tail.length === 0 && cut.length > 0) tail.push(`…${sliceBytesFromEnd(cut[cut.length - 1], tailBytes - 4)}`);
  const cutBytes = cut.reduce((a, l) => a + Buffer.byteLength(l) + 1, 0);
  return [...head, `[evolve: ${cut.length} line${cut.length === 1 ? '' : 's'} (${cutBytes} bytes) cut here]`, ...tail].join('\n');
}

function sliceBytesFromEnd(text: string, bytes: number): string {
  const buf = Buffer.from(text);
  return buf.subarray(Math.max(0, buf.length - bytes)).toString('utf8').replace(/^\uFFFD+/, '');
}

/** Lines that name an error, in the words common tools use; tried on each line in order. */
const ERROR_LINE = [
  /\bNo tests? (files? )?found\b/i, /\bE[A-Z]{3,}\b:/, /\b(Error|ERR!|ERROR)\b/, /\b[A-Z]\w*Error\b/, /\berror\b/i,
  /^\s*(FAIL|✘|✖|×|not ok)\b/, /\bfail(ed|ing|ure)?\b/i,
];
/** Lines that look like errors and are not: warnings Node prints on every run, npm's echo of the script. */
const NOISE = [/ExperimentalWarning/, /--trace-warnings/, /^\s*> /, /^\s*npm (ERR|error) (code|path|command|workspace|location|A complete log)/];

/**
 * The first line of `output` that names an error (`No tests found, exiting with code 1`, `EROFS: read-only file
 * system, open …`, `TypeError: …`), trimmed, at most `max` characters; else its last non-empty line; null when there
 * is no output at all.
 */
export function firstErrorLine(output: string, max = 200): string | null {
  const lines = output.replace(ANSI, '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && l.length <= 2000);
  if (lines.length === 0) return null;
  const candidates = lines.filter((l) => !NOISE.some((n) => n.test(l)));
  const found = ERROR_LINE.map((re) => candidates.find((l) => re.test(l))).find((l) => l !== undefined);
  const line = found ?? candidates[candidates.length - 1] ?? lines[lines.length - 1];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `reason` with the output's first error line after it (`tests failed (exit 1): No tests found…`). */
export function withFirstError(reason: string, output: string): string {
  const line = firstErrorLine(output);
  return line ? `${reason}: ${line}` : reason;
}
