import { describe, expect, it } from 'vitest';
import { trimOldToolOutput, withBreakpoints, type Turn } from '../../src/agent/economy.ts';
import { countCacheControl, invalidReason } from '../../src/standin/index.ts';

const tools = [{ type: 'bash_20250124' as const, name: 'bash' as const }, { name: 'finish', input_schema: { type: 'object' as const } }];

function toolLoop(steps: number, outputChars = 100): Turn[] {
  const messages: Turn[] = [{ role: 'user', content: [{ type: 'text', text: 'start' }] }];
  for (let i = 0; i < steps; i++) {
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `t${i}`, name: 'bash', input: { command: `echo ${i}` } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: 'x'.repeat(outputChars) }] });
  }
  return messages;
}

describe('cache breakpoints', () => {
  it('marks the last tool, the system prompt, the previous and the newest user message: 4, never more', () => {
    for (const steps of [0, 1, 5, 30]) {
      const request = withBreakpoints({ system: 'sys', tools, messages: toolLoop(steps) });
      const body = { model: 'm', max_tokens: 10, ...request };
      expect(countCacheControl(body)).toBe(steps === 0 ? 3 : 4);
      expect(invalidReason(body)).toBeNull();
      expect(request.tools.at(-1)).toHaveProperty('cache_control');
      expect(request.messages.at(-1)!.content.at(-1)).toHaveProperty('cache_control');
    }
  });

  it('never stores a breakpoint in the conversation itself', () => {
    const messages = toolLoop(3);
    const before = JSON.stringify(messages);
    withBreakpoints({ system: 'sys', tools, messages });
    withBreakpoints({ system: 'sys', tools, messages });
    expect(JSON.stringify(messages)).toBe(before);
  });
});

describe('trimming old tool output', () => {
  it('leaves a conversation under the threshold alone', () => {
    const messages = toolLoop(5);
    expect(trimOldToolOutput(messages, { thresholdTokens: 100_000, keepRecent: 4 })).toEqual({ messages, trimmed: 0 });
  });

  it('past the threshold, trims old results in one step and keeps the pairing valid', () => {
    const messages = toolLoop(20, 4000);
    const { messages: out, trimmed } = trimOldToolOutput(messages, { thresholdTokens: 10_000, keepRecent: 6 });
    expect(trimmed).toBe(17);
    expect(JSON.stringify(out).length).toBeLessThan(JSON.stringify(messages).length / 3);
    expect(invalidReason({ model: 'm', max_tokens: 10, messages: out })).toBeNull();
    const recent = out.at(-1)!.content[0] as { content: string };
    expect(recent.content).toBe('x'.repeat(4000));
    // a second pass finds nothing new to trim: trimming is rare and stable (the cache survives)
    expect(trimOldToolOutput(out, { thresholdTokens: 10_000, keepRecent: 6 }).trimmed).toBe(0);
  });

  it('trims long inputs of old tool calls too', () => {
    const messages: Turn[] = [
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'str_replace_based_edit_tool', input: { command: 'create', path: 'f', file_text: 'y'.repeat(50_000) } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: 'created' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'done' }] },
      { role: 'user', content: [{ type: 'text', text: 'next' }] },
    ];
    const { messages: out } = trimOldToolOutput(messages, { thresholdTokens: 1000, keepRecent: 2 });
    expect((out[1].content[0] as { input: Record<string, string> }).input).toEqual({ command: 'create', path: 'f', file_text: '[trimmed: 50000 chars]' });
  });
});
