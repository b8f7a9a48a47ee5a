import { startStandin } from '../../src/standin/index.ts';
import { makeToyRepo, passingPlan, failingPlan, emptyPlan, planScript } from '../evolve/toy.ts';
import { writeFileSync } from 'node:fs';
const plans = [passingPlan, failingPlan, emptyPlan];
const standin = await startStandin({ script: planScript((i) => plans[i % 3](i), 1500), apiKey: 'sk-ant-real-key-for-the-upstream-only-0123456789' });
const repo = makeToyRepo();
writeFileSync('/tmp/tuidb/try.env', `URL=${standin.url}\nREPO=${repo}\n`);
console.log(standin.url, repo);
setInterval(() => {}, 1000);
