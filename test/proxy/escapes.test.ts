/**
 * The proxy sizes a call's worst case from its body. The API reads the parsed JSON, so a candidate may spell keys and
 * values with JSON escapes: a 1-hour cache write (billed at 2 × input) or an image must be seen however it is spelled,
 * or the reservation is too small and spend can pass a cap.
 */
import { describe, expect, it } from 'vitest';
import { promptTokenBound, usesOneHourCache } from '../../src/evolve/proxy/request.ts';

const body = (json: string) => Buffer.from(json);

describe('reservation sizing sees through JSON escapes', () => {
  it('a 1-hour cache TTL spelled with escapes is still a 1-hour cache write', () => {
    expect(usesOneHourCache(body('{"system":[{"type":"text","text":"x","cache_control":{"type":"ephemeral","ttl":"1h"}}]}'))).toBe(true);
    expect(usesOneHourCache(body('{"system":[{"type":"text","text":"x","cache_control":{"type":"ephemeral","ttl":"\\u0031h"}}]}'))).toBe(true);
    expect(usesOneHourCache(body('{"system":[{"type":"text","text":"x","cache_control":{"type":"ephemeral","\\u0074tl":"1h"}}]}'))).toBe(true);
    expect(usesOneHourCache(body('{"system":[{"type":"text","text":"ttl 1h","cache_control":{"type":"ephemeral"}}]}'))).toBe(false);
  });

  it('an image block spelled with escapes still counts as an image', () => {
    const plain = body('{"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}]}');
    const escaped = body('{"messages":[{"role":"user","content":[{"type":"im\\u0061ge","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}]}');
    expect(promptTokenBound(plain, 1)).toBe(plain.length + 5000 + 2000);
    expect(promptTokenBound(escaped, 1)).toBe(escaped.length + 5000 + 2000);
  });
});
