/**
 * The agent's token economy, measured: a 30-step tool loop of the real agent code (conversation, breakpoints,
 * SDK streaming) against the stand-in, which simulates prompt caching. Prints JSON with the share of input tokens
 * that were read from the cache, i.e. sent behind a breakpoint matching an earlier request's prefix.
 * The seed agent (GenSX) sent its whole transcript uncached every turn: 0%.
 *
 *   node --import tsx bench/agent.ts
 */
import { pathToFileURL } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { ANSWER_TOOLS } from '../src/agent/answers.ts';
import { Conversation, runPhase } from '../src/agent/loop.ts';
import { createModel } from '../src/agent/model.ts';
import { progressTo } from '../src/agent/progress.ts';
import { prompt } from '../src/agent/prompts.ts';
import type { Toolbox } from '../src/agent/toolbox.ts';
import { reply, startStandin, text, toolUse } from '../src/standin/index.ts';

export interface CacheShare {
  steps: number;
  requests: number;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  uncachedTokens: number;
  /** cacheReadTokens / inputTokens, where inputTokens counts all three kinds. */
  cacheShare: number;
}

/** Runs `steps` tool turns (each reading a ~2 KB command output) and sums the usage the stand-in reported. */
export async function measureCacheShare(steps = 30, trimTokens = 60_000): Promise<CacheShare & { trimTokens: number }> {
  const standin = await startStandin({
    script: (request) => {
      const done = request.messages.filter((m) => m.role === 'assistant').length;
      if (done >= steps) return reply(text('done'));
      return reply(text(`Step ${done + 1}: reading more.`), toolUse('bash', { command: `sed -n ${done * 50 + 1},${done * 50 + 50}p src/file.ts` }));
    },
  });
  const toolbox: Toolbox = {
    definitions: [{ type: 'bash_20250124', name: 'bash' }, { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' }],
    run: async (_name, input) => ({ content: `output of ${JSON.stringify(input)}\n${'const line = "some code";\n'.repeat(80)}`, isError: false }),
  };
  const progress = progressTo(() => undefined);
  try {
    const model = createModel({
      client: new Anthropic({ baseURL: standin.url, apiKey: 'bench', maxRetries: 0 }),
      model: 'claude-sonnet-5',
      system: prompt('system'),
      tools: [...toolbox.definitions, ...ANSWER_TOOLS.map((t) => t.definition)],
      maxTokens: 4096,
      progress,
    });
    const conversation = new Conversation(model, { thresholdTokens: trimTokens, keepRecent: 8 });
    conversation.say('Read src/file.ts in steps of 50 lines.');
    await runPhase(conversation, { toolbox, progress, maxTurns: steps + 1 });
    const usages = standin.requests.flatMap((r) => (r.usage ? [r.usage] : []));
    const sum = (f: (u: (typeof usages)[number]) => number) => usages.reduce((s, u) => s + f(u), 0);
    const cacheReadTokens = sum((u) => u.cache_read_input_tokens);
    const cacheWriteTokens = sum((u) => u.cache_creation_input_tokens);
    const uncachedTokens = sum((u) => u.input_tokens);
    const inputTokens = cacheReadTokens + cacheWriteTokens + uncachedTokens;
    return { steps, trimTokens, requests: usages.length, inputTokens, cacheReadTokens, cacheWriteTokens, uncachedTokens, cacheShare: Number((cacheReadTokens / inputTokens).toFixed(4)) };
  } finally {
    await standin.close();
  }
}

export default measureCacheShare;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const loop30 = await measureCacheShare(30);
  // a long loop that crosses the trim threshold several times: what trimming costs in cache reads
  const loop120Trimmed = await measureCacheShare(120, 40_000);
  process.stdout.write(JSON.stringify({ agentCache: { cacheShare: loop30.cacheShare, loop30, loop120Trimmed } }, null, 2) + '\n');
}
