/** The stand-in Messages API server: see server.ts (the server), script.ts (helpers for scripts). */
export { startStandin, errorTypeFor, type Standin, type StandinOptions } from './server.ts';
export * from './script.ts';
export { countInputTokens, PromptCache, tokensOf } from './cache.ts';
export { invalidReason, countCacheControl, MAX_CACHE_BREAKPOINTS } from './validate.ts';
export type * from './types.ts';
export { agentAttemptScript, type AttemptPlay } from './agent-script.ts';
