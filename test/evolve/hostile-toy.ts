/**
 * The toy target of test/evolve/toy.ts with one more power for hostile plans: `js`, an async function body the
 * agent runs in its own process (with `fd` the progress descriptor), so a plan can do anything a model-written
 * agent could.
 */
import { reply, text, type Script } from '../../src/standin/index.ts';
import { makeToyRepo, TOY_AGENT, type Plan } from './toy.ts';

export const QA_AGENT = TOY_AGENT.replace('if (plan.crash)',
  "if (plan.js) await new Function('fd', 'progress', 'return (async () => {' + plan.js + '})()')(fd, progress);\nif (plan.crash)");

export type HostilePlan = Plan & { js?: string };

export function makeHostileRepo(extra: Record<string, string> = {}): string {
  return makeToyRepo({ 'agent.mjs': QA_AGENT, ...extra });
}

/** Hands out plans by the candidate's own request (the agent sends `history N`): plans are keyed by call order. */
export function hostileScript(plans: (index: number) => HostilePlan): Script {
  return (_request, ctx) => reply(text(JSON.stringify(plans(ctx.index))));
}
