/**
 * A stand-in runner for the two-process test: writes candidates to the lineage database continuously, each with
 * its model calls, score and event in ONE transaction, and prints the number written after each commit.
 * Stops (closing the store cleanly) when its stdin ends. Usage: node --import tsx writer-child.ts <db> <run-id>
 */
import { openStore } from '../../src/lineage/store.ts';
import { sampleEvent } from './event-samples.ts';

const [path, runId] = process.argv.slice(2);
const store = openStore(path);
store.createRun({ id: runId, target: '/repo', config: { writer: 'child' } });
store.addCandidate({ id: '5eed0000', runId, generation: 0, parentId: null, branch: null, baseCommit: null, status: 'passed' });
const ids = ['5eed0000'];
const generationOf = new Map([['5eed0000', 0]]);
let stopping = false;
process.stdin.on('end', () => (stopping = true));
process.stdin.resume();

function writeOne(): void {
  const n = ids.length;
  const id = (0x10000000 + n).toString(16);
  const parent = ids[(n * 7919) % n];
  const generation = generationOf.get(parent)! + 1;
  store.transaction(() => {
    store.addCandidate({ id, runId, generation, parentId: parent, branch: `b/${id}`, baseCommit: 'base', goal: `goal ${n}` });
    for (let call = 0; call < 2; call++) {
      store.recordModelCall({
        runId, candidateId: id, model: 'm', inputTokens: 15, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0,
        costUsd: 0.001,
      });
    }
    store.appendEvent({ runId, candidateId: id, kind: 'scored', data: sampleEvent('scored', { score: n }) });
    store.updateCandidate(id, { status: 'passed', score: n, survived: 1, diff_added: n, diff_removed: 1 });
  });
  ids.push(id);
  generationOf.set(id, generation);
  process.stdout.write(`${ids.length}\n`);
}

function tick(): void {
  if (stopping) {
    store.close();
    return;
  }
  writeOne();
  // Paced so that the database stays small while readers come and go; a real runner writes far more slowly.
  setTimeout(tick, 2);
}
tick();
