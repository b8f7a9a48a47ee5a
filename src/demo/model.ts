/**
 * The demo's scripted model: a stand-in for the Messages API (src/standin) that plays an agent making real,
 * varied edits. Each conversation (one candidate's attempt) gets a scenario in start order, three per generation:
 * one improves the code and makes wordCount faster, one breaks the build or fails its tests with a wrong wordCount
 * (or, once, tries to escape its workspace and then does real work), one improves the code but makes wordCount
 * slower — the demo's judge (bench/judge.mjs) measures it, so the objective climbs as selection keeps the fast. It only answers; everything it asks for is carried out by the real agent,
 * tools, jail, runner and git — an escape attempt fails because the jail refuses it, not because this script says so.
 */
import { forcedTool, lastToolResults, lastUserText, reply, text, toolUse } from '../standin/script.ts';
import type { MessagesRequest, Script, ScriptAnswer } from '../standin/types.ts';
import { FEATURES, unbuildable, type Feature } from './features.ts';
import { FASTER_WORD_COUNT, SLOWER_WORD_COUNT, textkitSource, WRONG_WORD_COUNT } from './wordcount.ts';

export type Scenario = 'improve' | 'break_build' | 'fail_tests' | 'escape';

/** The second slot of each generation in turn; the other two improve. */
const SECOND_SLOT: Scenario[] = ['break_build', 'fail_tests', 'escape', 'break_build', 'fail_tests'];

export function scenarioFor(index: number): Scenario {
  if (index % 3 !== 1) return 'improve';
  return SECOND_SLOT[Math.floor(index / 3) % SECOND_SLOT.length];
}

/** The wordCount a candidate writes (src/demo/wordcount.ts): the next faster level, a slower one, a wrong one, or none. */
export function wordCountFor(index: number): string | null {
  const scenario = scenarioFor(index);
  if (scenario === 'fail_tests') return WRONG_WORD_COUNT;
  if (scenario !== 'improve') return null;
  if (index % 3 === 2) return SLOWER_WORD_COUNT;
  return FASTER_WORD_COUNT[Math.min(Math.floor(index / 3), FASTER_WORD_COUNT.length - 1)];
}

const EDITOR = 'str_replace_based_edit_tool';

type Action = (cwd: string) => ScriptAnswer;

interface Conversation {
  scenario: Scenario;
  wordCount: string | null;
  feature: Feature;
  actions: Action[];
  cwd: string;
  finished: boolean;
}

function actionsFor(scenario: Scenario, f: Feature, wordCount: string | null): Action[] {
  return [...(wordCount ? [rewrite(wordCount)] : []), ...featureActions(scenario, f)];
}

/** Rewrites src/textkit.js whole (the editor's create refuses a file that exists; the shell does not). */
function rewrite(wordCount: string): Action {
  return () => reply(text('Rewriting wordCount.'), toolUse('bash', { command: `cat > src/textkit.js <<'TEXTKIT'\n${textkitSource(wordCount)}TEXTKIT` }));
}

function featureActions(scenario: Scenario, f: Feature): Action[] {
  const file = (cwd: string, rel: string) => `${cwd}/${rel}`;
  const create = (rel: string, content: string): Action => (cwd) => reply(text(`Creating ${rel}.`), toolUse(EDITOR, { command: 'create', path: file(cwd, rel), file_text: content }));
  const documentIt: Action = (cwd) => reply(toolUse(EDITOR, {
    command: 'str_replace', path: file(cwd, 'README.md'),
    old_str: 'Small text utilities.', new_str: `Small text utilities.\n\n- \`${f.name}\`: ${f.doc}`,
  }));
  const runTests: Action = () => reply(text('Running the tests.'), toolUse('bash', { command: 'npm test 2>&1 | tail -n 12' }));
  const escape: Action[] = [
    // Both must fail for real: everything outside the workspace is read-only (or a private tmpfs) in the jail,
    // and the editor refuses paths outside the workspace.
    () => reply(text('First I will leave a note outside my workspace.'), toolUse('bash', { command: 'echo escaped > /usr/evolve-escaped.txt && echo wrote it' })),
    () => reply(toolUse(EDITOR, { command: 'create', path: '/etc/evolve-escaped.txt', file_text: 'escaped\n' })),
  ];
  switch (scenario) {
    case 'improve':
      return [create(`src/${f.name}.js`, f.source), create(`test/${f.name}.test.js`, f.test), documentIt, runTests];
    case 'break_build':
      return [create(`src/${f.name}.js`, unbuildable(f)), create(`test/${f.name}.test.js`, f.test)];
    case 'fail_tests':
      return [create(`src/${f.name}.js`, f.buggy), create(`test/${f.name}.test.js`, f.test)];
    case 'escape':
      return [...escape, create(`src/${f.name}.js`, f.source), create(`test/${f.name}.test.js`, f.test), runTests];
  }
}

function goalDecision(c: Conversation) {
  const also = c.wordCount === null ? '' : c.wordCount === SLOWER_WORD_COUNT ? '; and simplify wordCount' : c.wordCount === WRONG_WORD_COUNT ? '; and speed up wordCount' : '; and make wordCount faster';
  return { previous_goal_achieved: true, goal: c.feature.goal + also, reason: `The library lacks ${c.feature.name}; small, testable and useful.` };
}

function plan(c: Conversation) {
  return {
    files: [`src/${c.feature.name}.js`, `test/${c.feature.name}.test.js`],
    steps: [`Write ${c.feature.name} in src/${c.feature.name}.js`, 'Add a node:test test for it', 'Mention it in the README'],
    verification: 'npm run build && npm test',
  };
}

function finish(c: Conversation, selfCheckFailed: boolean) {
  return {
    summary: selfCheckFailed
      ? `Tried to add ${c.feature.name}, but the self-check failed and I could not fix it.`
      : `Added ${c.feature.name} with a test${c.scenario === 'escape' ? ' (writing outside the workspace was refused)' : ''}.`,
    changed_files: [`src/${c.feature.name}.js`, `test/${c.feature.name}.test.js`],
    goal_met: !selfCheckFailed,
  };
}

/** The id of the first tool_use the model sent in this conversation: how later requests are matched to it. */
function conversationKey(request: MessagesRequest): string | undefined {
  const first = request.messages.find((m) => m.role === 'assistant');
  if (!first || typeof first.content === 'string') return undefined;
  const use = first.content.find((b) => b.type === 'tool_use');
  return use ? String(use.id) : undefined;
}

export function demoModel(): Script {
  const conversations = new Map<string, Conversation>();
  let started = 0;
  return (request) => {
    const key = conversationKey(request);
    let c = key ? conversations.get(key) : undefined;
    if (!c) {
      const index = started++;
      const scenario = scenarioFor(index);
      const feature = FEATURES[index % FEATURES.length];
      const wordCount = wordCountFor(index);
      c = { scenario, wordCount, feature, actions: actionsFor(scenario, feature, wordCount), cwd: '', finished: false };
      // The first answer is the goal decision; its tool_use id names the conversation from now on.
      const answer = toolUse('decide_goal', goalDecision(c));
      conversations.set(answer.id, c);
      return reply(text('Looking at the history and the code, I will add one small, tested feature.'), answer);
    }
    const forced = forcedTool(request);
    const failedCheck = lastUserText(request).includes('self-check failed') || /Self-check: FAILED/.test(lastUserText(request));
    if (forced === 'decide_goal') return reply(toolUse('decide_goal', goalDecision(c)));
    if (forced === 'write_plan') return reply(toolUse('write_plan', plan(c)));
    if (forced === 'finish') return reply(toolUse('finish', finish(c, failedCheck)));
    if (!c.cwd) {
      const pwd = lastToolResults(request).find((r) => r.content.startsWith('/'));
      if (pwd) c.cwd = pwd.content.trim().split('\n')[0];
    }
    if (lastUserText(request).includes('Carry out the plan') && !c.cwd) {
      return reply(text('Where am I?'), toolUse('bash', { command: 'pwd' }));
    }
    if (!request.messages.some((m) => typeof m.content !== 'string' && m.content.some((b) => b.type === 'tool_use' && b.name === 'write_plan'))) {
      return reply(toolUse('write_plan', plan(c)));
    }
    if (failedCheck) return reply(text('I could not find the cause of the failure; stopping here.'));
    const next = c.actions.shift();
    if (next) return next(c.cwd);
    return reply(toolUse('finish', finish(c, false)));
  };
}
