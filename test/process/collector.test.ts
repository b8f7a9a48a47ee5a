import { describe, expect, it } from 'vitest';
import { HeadTailCollector } from '../../src/process/collector.ts';

describe('HeadTailCollector', () => {
  it('keeps everything under the cap', () => {
    const c = new HeadTailCollector(100);
    c.push(Buffer.from('hello '));
    c.push(Buffer.from('world'));
    expect(c.text()).toBe('hello world');
    expect(c.totalBytes).toBe(11);
  });

  it('keeps the first and last half of the cap and counts the cut bytes', () => {
    const c = new HeadTailCollector(10);
    for (const piece of ['abc', 'defgh', 'ijklmnop', 'qrstuvwxyz']) c.push(Buffer.from(piece));
    expect(c.text()).toBe('abcde\n\n[... 16 bytes of output cut: 26 in all, showing the first 5 and the last 5 ...]\n\nvwxyz');
  });

  it('holds memory to about the cap while a large stream passes', () => {
    const c = new HeadTailCollector(16 * 1024);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    for (let i = 0; i < 500; i++) c.push(chunk); // 32 MB
    const kept = (c as unknown as { tail: Buffer[] }).tail.reduce((n, b) => n + b.length, 0);
    expect(kept).toBeLessThanOrEqual(2 * 8 * 1024);
    expect(c.text().length).toBeLessThan(17_000);
    expect(c.totalBytes).toBe(500 * 64 * 1024);
  });
});
