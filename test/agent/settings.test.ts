import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../src/agent/protocol.ts';
import { readSettings } from '../../src/agent/settings.ts';

describe('settings from the environment (contract 4)', () => {
  it('has defaults for everything but the key', () => {
    const s = readSettings({ ANTHROPIC_API_KEY: 'token' }, '/ws');
    expect(s).toMatchObject({
      progressFd: 3, model: DEFAULT_MODEL, maxOutputTokens: 8192, apiKey: 'token', api: { maxRetries: 4, timeoutMs: 600_000 },
      attempt: { workspace: '/ws', seedGoal: '', buildCommand: '', testCommand: '', maxTurns: 40, deadline: undefined },
    });
  });

  it('reads every EVOLVE_* variable', () => {
    const s = readSettings({
      ANTHROPIC_API_KEY: 'token', EVOLVE_MODEL: 'claude-opus-5', EVOLVE_SEED_GOAL: 'faster', EVOLVE_BUILD_CMD: 'npm run build',
      EVOLVE_TEST_CMD: 'npm test', EVOLVE_MAX_TURNS: '12', EVOLVE_DEADLINE: '2030-01-01T00:00:00Z', EVOLVE_PROGRESS_FD: '5',
      EVOLVE_MAX_OUTPUT_TOKENS: '1000', EVOLVE_API_MAX_RETRIES: '0', EVOLVE_TRIM_TOKENS: '5000',
    }, '/ws');
    expect(s).toMatchObject({
      progressFd: 5, model: 'claude-opus-5', maxOutputTokens: 1000, api: { maxRetries: 0 },
      attempt: { seedGoal: 'faster', buildCommand: 'npm run build', testCommand: 'npm test', maxTurns: 12, deadline: new Date('2030-01-01T00:00:00Z'), trim: { thresholdTokens: 5000 } },
    });
  });

  it.each([
    [{}, /ANTHROPIC_API_KEY/],
    [{ ANTHROPIC_API_KEY: 'k', EVOLVE_MAX_TURNS: '0' }, /EVOLVE_MAX_TURNS/],
    [{ ANTHROPIC_API_KEY: 'k', EVOLVE_DEADLINE: 'tomorrow' }, /EVOLVE_DEADLINE/],
  ])('refuses %j', (env, message) => {
    expect(() => readSettings(env, '/ws')).toThrow(message);
  });
});
