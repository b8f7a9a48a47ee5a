import { expect, test } from 'vitest';
import { modelApiDown } from '../../src/evolve/proxy/health.ts';

const call = (data: Record<string, unknown>) => ({ kind: 'model_call', data_json: JSON.stringify(data) });

test('a generation whose every call failed upstream is a reason to stop, naming the last answer', () => {
  const reason = modelApiDown(2, [
    call({ status: 502, error: 'the model API could not be reached after 5 attempts: fetch failed' }),
    { kind: 'tool_call', data_json: '{"tool":"bash","ok":true}' },
    call({ status: 401, error: 'upstream answered 401' }),
  ]);
  expect(reason).toMatch(/^the model API answered none of generation 2's 2 calls \(last: upstream answered 401\)/);
});

test('one answered call, or no call at all, is no reason to stop', () => {
  expect(modelApiDown(1, [call({ status: 529 }), call({ status: 200 })])).toBeNull();
  expect(modelApiDown(1, [])).toBeNull();
  // Refused by the proxy itself (budget): never sent upstream, so it says nothing of the API.
  expect(modelApiDown(1, [{ kind: 'model_refused', data_json: '{"status":402}' }])).toBeNull();
});

test('a failed call without an error text is described by its status', () => {
  expect(modelApiDown(1, [call({ status: 404 })])).toMatch(/\(last: upstream answered 404\)/);
});
