import { describe, expect, it } from 'vitest';
import { measureCacheShare } from '../../bench/agent.ts';

describe('token economy', () => {
  it('in a 30-step tool loop, at least 80% of input tokens are read from the cache', async () => {
    const result = await measureCacheShare(30);
    expect(result.requests).toBe(31);
    expect(result.cacheShare).toBeGreaterThanOrEqual(0.8);
    // every request after the first reads the previous prefix: nothing but the newest turn is sent uncached
    expect(result.uncachedTokens).toBeLessThan(result.inputTokens * 0.05);
  });
});
