/**
 * The demo's objective: how fast textkit's wordCount is (bench/judge.mjs in the sample repository measures it).
 * The scripted model rewrites it as it adds features: one child of each generation makes it faster (the next
 * level below), another makes it slower, and a failing one makes it wrong — so a newcomer watches the objective
 * climb as selection keeps the fast ones. Each body is the inside of `function wordCount(text)`.
 */
export const SEED_WORD_COUNT = 'return text.split(/\\s+/).map((word) => word.trim()).filter((word) => word.length > 0).map((word) => word.toString()).length;';

/** Faster and faster, one level per generation (the last one stays). */
export const FASTER_WORD_COUNT = [
  'return text.split(/\\s+/).map((word) => word.trim()).filter((word) => word.length > 0).length;',
  'return (text.match(/\\S+/g) ?? []).length;',
  'let count = 0;\n  let inWord = false;\n  for (let i = 0; i < text.length; i++) {\n    const c = text.charCodeAt(i);\n' +
    '    const space = c === 32 || (c >= 9 && c <= 13);\n    if (!space && !inWord) count++;\n    inWord = !space;\n  }\n  return count;',
  'let count = 0;\n  let prev = 1;\n  for (let i = 0; i < text.length; i++) {\n    const c = text.charCodeAt(i);\n' +
    '    const space = c < 128 ? SPACE[c] : 0;\n    count += prev & (space ^ 1);\n    prev = space;\n  }\n  return count;',
];

/** Correct, but slow: it copies the text character by character first. */
export const SLOWER_WORD_COUNT = "return [...text].join('').split(/\\s+/).filter((word) => [...word].length > 0).length;";

/** Fast and wrong: it counts the spaces (the seed's test catches it). */
export const WRONG_WORD_COUNT = "return text.split(' ').length;";

/** src/textkit.js with a given wordCount body (titleCase as the seed has it). */
export function textkitSource(wordCountBody: string): string {
  const table = wordCountBody.includes('SPACE[')
    ? '/** 1 for the ASCII white-space characters. */\nconst SPACE = new Uint8Array(128);\nfor (const c of [9, 10, 11, 12, 13, 32]) SPACE[c] = 1;\n\n'
    : '';
  return `${table}/** Counts the words of a text (runs of non-space characters). */
export function wordCount(text) {
  ${wordCountBody}
}

/** Upper-cases the first letter of every word. */
export function titleCase(text) {
  return text.replace(/\\b\\w/g, (c) => c.toUpperCase());
}
`;
}

/** The benchmark judge the sample repository ships (`node bench/judge.mjs`): ops/sec of wordCount, median of 3. */
export const BENCH_JUDGE = `// The demo's judge: operations per CPU second of wordCount, the median of 3 timed rounds.
// evolve runs it after the tests pass and reads the JSON object on its last line (docs/judge.md).
import { wordCount } from '../src/textkit.js';

// 1,024 different texts in turn: V8 caches the result of splitting the same string again, which would time the cache.
const base = 'the quick  brown fox jumps over\\tthe lazy dog and keeps on running through the field '.repeat(40);
const texts = Array.from({ length: 1024 }, (_, i) => base + 'word'.repeat(i % 7) + ' ' + i);
for (let i = 0; i < 3000; i++) wordCount(texts[i % 1024]); // warm up the JIT
// Timed in CPU time, not wall time: on a busy machine other processes' turns would count against this one.
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const rounds = [];
for (let r = 0; r < 3; r++) {
  const start = cpu();
  let ops = 0;
  while (cpu() - start < 0.15) for (let k = 0; k < 50; k++, ops++) wordCount(texts[ops % 1024]);
  rounds.push(ops / (cpu() - start));
}
rounds.sort((a, b) => a - b);
console.log(JSON.stringify({ ops_per_sec: Math.round(rounds[1]) }));
`;
