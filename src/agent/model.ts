/**
 * The model: one streamed Messages API call per turn, with the cache breakpoints applied, the usage reported,
 * and every way it can fail turned into a named outcome. The SDK reads ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY
 * from the environment itself (the runner's proxy supplies both); nothing here names a URL or a key.
 */
import Anthropic from '@anthropic-ai/sdk';
import { withBreakpoints, type Turn } from './economy.ts';
import { ApiFailure, BudgetExhausted, DeadlineReached } from './outcomes.ts';
import type { Progress } from './progress.ts';

export type ToolChoice = Anthropic.ToolChoice;

export interface Model {
  /** One turn: the conversation so far → the assistant's message. Throws only AttemptEnded outcomes (or bugs). */
  call(messages: Turn[], toolChoice?: ToolChoice): Promise<Anthropic.Message>;
}

export interface ModelOptions {
  client: Anthropic;
  model: string;
  system: string;
  tools: Anthropic.ToolUnion[];
  maxTokens: number;
  progress: Progress;
  /** A stream that sends nothing for this long is abandoned (the SDK's own timeout covers only the wait for headers). */
  idleTimeoutMs?: number;
  /** No call starts after deadline − reserveMs, and a call in flight is cut at the deadline. */
  deadline?: Date;
  reserveMs?: number;
  now?: () => number;
}

/**
 * The client. The key comes from ANTHROPIC_API_KEY (given explicitly so the SDK never falls back to other
 * credential sources); the base URL is read by the SDK from ANTHROPIC_BASE_URL.
 */
export function createClient(options: { apiKey: string; maxRetries: number; timeoutMs: number }): Anthropic {
  return new Anthropic({ apiKey: options.apiKey, maxRetries: options.maxRetries, timeout: options.timeoutMs });
}

export function createModel(options: ModelOptions): Model {
  const now = options.now ?? Date.now;
  const reserveMs = options.reserveMs ?? 5_000;
  return {
    async call(messages, toolChoice) {
      const left = options.deadline ? options.deadline.getTime() - now() : Infinity;
      if (left <= reserveMs) throw new DeadlineReached();
      const request = withBreakpoints({ system: options.system, tools: options.tools, messages });
      const params: Anthropic.MessageStreamParams = {
        model: options.model,
        max_tokens: options.maxTokens,
        ...request,
        ...(toolChoice ? { tool_choice: toolChoice } : {}),
      };
      const deadline = Number.isFinite(left) ? AbortSignal.timeout(left) : undefined;
      const idle = new AbortController();
      const signal = deadline ? AbortSignal.any([deadline, idle.signal]) : idle.signal;
      let watchdog: NodeJS.Timeout | undefined;
      let message: Anthropic.Message;
      try {
        const stream = options.client.messages.stream(params, { signal });
        // Armed once the response has started: before that, the SDK's timeout and retries apply.
        stream.on('connect', () => (watchdog = setTimeout(() => idle.abort(), options.idleTimeoutMs ?? 600_000)));
        stream.on('streamEvent', () => watchdog?.refresh());
        message = await stream.finalMessage();
      } catch (err) {
        if (deadline?.aborted) throw new DeadlineReached();
        if (idle.signal.aborted) throw new ApiFailure(`the API stream went silent for ${options.idleTimeoutMs ?? 600_000} ms`);
        throw asOutcome(err);
      } finally {
        clearTimeout(watchdog);
      }
      const u = message.usage;
      options.progress.modelCall({
        input_tokens: u.input_tokens,
        output_tokens: u.output_tokens,
        cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
        cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
      });
      return message;
    },
  };
}

/** 402 is the proxy's "budget spent"; every other API failure has already been retried by the SDK if retryable. */
function asOutcome(err: unknown): Error {
  if (err instanceof Anthropic.APIError) {
    const body = err.error as { error?: { type?: string; message?: string } } | undefined;
    const type = body?.error?.type;
    const detail = body?.error?.message ?? err.message;
    if (err.status === 402 || type === 'billing_error') return new BudgetExhausted(detail);
    if (err instanceof Anthropic.APIConnectionTimeoutError) return new ApiFailure('the API did not answer in time (after retries)');
    if (err instanceof Anthropic.APIConnectionError) return new ApiFailure(`cannot reach the API: ${err.message}`);
    return new ApiFailure(`API error ${err.status ?? '(in stream)'} ${type ?? ''}: ${detail}`.replace(/\s+/g, ' '));
  }
  if (err instanceof Anthropic.AnthropicError) return new ApiFailure(`API client error: ${err.message}`);
  return err as Error;
}
