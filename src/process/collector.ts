/**
 * Caps captured output without buffering it whole: keeps the first and last `half` bytes of a stream and counts
 * what falls between. A 30 MB flood costs the model (and our memory) about 2 × half bytes. Every process evolve
 * runs is captured through this (src/process/run.ts), so that output is truncated in one place, one way.
 */
export const DEFAULT_OUTPUT_CAP = 16 * 1024;

export class HeadTailCollector {
  private readonly half: number;
  private head: Buffer[] = [];
  private headLength = 0;
  private tail: Buffer[] = [];
  private tailLength = 0;
  private total = 0;

  constructor(maxBytes: number = DEFAULT_OUTPUT_CAP) {
    this.half = Math.max(1, Math.floor(maxBytes / 2));
  }

  get totalBytes(): number {
    return this.total;
  }

  /** True once more arrived than is kept. */
  get truncated(): boolean {
    return this.total > this.headLength + Math.min(this.tailLength, this.half);
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headLength < this.half) {
      const take = Math.min(this.half - this.headLength, rest.length);
      this.head.push(rest.subarray(0, take));
      this.headLength += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    // Copy so that we never pin a large chunk the stream handed us.
    this.tail.push(Buffer.from(rest.subarray(Math.max(0, rest.length - this.half))));
    this.tailLength += Math.min(rest.length, this.half);
    while (this.tailLength - this.tail[0].length >= this.half) {
      this.tailLength -= this.tail[0].length;
      this.tail.shift();
    }
  }

  /** The kept text; when bytes were dropped, a marker in the middle says how many. */
  text(): string {
    const head = Buffer.concat(this.head);
    let tail = Buffer.concat(this.tail);
    if (tail.length > this.half) tail = tail.subarray(tail.length - this.half);
    const cut = this.total - head.length - tail.length;
    if (cut <= 0) return Buffer.concat([head, tail]).toString('utf8');
    return `${head.toString('utf8')}\n\n[... ${cut} bytes of output cut: ${this.total} in all, showing the first ` +
      `${head.length} and the last ${tail.length} ...]\n\n${tail.toString('utf8')}`;
  }
}

/**
 * The end of an output already captured, for a record that has room for only so much (an event's `output_tail`,
 * the report a self-check hands the model): the last `maxChars` characters, where failures are printed.
 */
export function outputTail(text: string, maxChars: number): string {
  return text.length > maxChars ? text.slice(-maxChars) : text;
}
