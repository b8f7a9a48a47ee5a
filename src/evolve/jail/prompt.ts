/**
 * The prompt an off-the-shelf agent CLI (Claude Code) is started with: what evolve's own agent learns from its
 * inputs — the run's direction, agent_context.json's goal state and history (failed siblings included), the build
 * and test commands — and the rules it is judged by, in plain words.
 */
import type { AgentContext } from '../../agent/protocol.ts';

export interface PromptInputs {
  seedGoal: string;
  buildCmd: string;
  testCmd: string;
  context: AgentContext;
}

/** History entries shown, newest last; older ones are counted. */
const MAX_ENTRIES = 20;
const MAX_ENTRY_CHARS = 400;

export function agentPrompt(p: PromptInputs): string {
  const history = p.context.history.filter((e) => e && typeof e === 'object');
  const shown = history.slice(-MAX_ENTRIES);
  const digest = shown.length === 0
    ? ['(none yet: this is the first attempt of the lineage)']
    : [
      ...(history.length > shown.length ? [`(${history.length - shown.length} older entries not shown)`] : []),
      ...shown.map((e) => `- [${e.result === 'success' ? 'success' : 'failure'}] ${flat(String(e.action ?? ''))}: ${flat(String(e.details ?? ''))}`.slice(0, MAX_ENTRY_CHARS)),
    ];
  return [
    'You are one candidate of an evolutionary run (evolve) on the repository in your working directory. Make ONE',
    'focused, valuable improvement, verify it, and stop. You work unattended: nobody will answer a question.',
    '',
    `Direction of the run: ${flat(p.seedGoal) || '(none given: choose the most valuable improvement you can make and verify)'}`,
    `Goal state so far (agent_context.json): ${flat(p.context.goalState) || '(none recorded)'}`,
    '',
    'What earlier attempts in this lineage did, newest last (failures, of siblings too, are what not to repeat):',
    ...digest,
    '',
    'How your work is judged, by the runner, after you exit, on a fresh checkout of what you leave:',
    `- build: ${p.buildCmd ? `\`${p.buildCmd}\`` : 'none'}`,
    `- tests: \`${p.testCmd}\``,
    '- The existing tests are the specification: do not edit or delete them (the runner restores them from the',
    '  parent before judging). Add tests for what you add; a change that breaks a test fails.',
    '- Fewer changed lines score better at equal value; TODO/FIXME/stub markers cost score.',
    '- The runner commits your changes: do not run git. Do not edit agent_context.json: the runner records your attempt.',
    '- There is no network: no package installs, no web access. Only files in the working directory are kept.',
    '',
    'End with a final message whose first line is `Goal: <the one goal you chose, in one line>`, followed by a short',
    'summary of what you changed and how you verified it.',
  ].join('\n');
}

function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_ENTRY_CHARS);
}
