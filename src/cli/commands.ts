import type { Command } from 'commander';
import { registerAdopt, registerClean } from './adopt.ts';
import { registerDemo } from './demo.ts';
import { registerExport } from './export.ts';
import { registerLineage } from './lineage.ts';
import { registerReport } from './report.ts';
import { registerRun, setTuiFactory } from './run.ts';
import { registerShow } from './show.ts';
import { liveRunView, registerWatch } from './watch.ts';
import { registerWorker } from './worker.ts';

/** Every command of contract 1 registers itself here, one file each under src/cli/. */
export function registerCommands(program: Command): void {
  registerRun(program);
  setTuiFactory(liveRunView);
  registerWatch(program);
  registerLineage(program);
  registerShow(program);
  registerExport(program);
  registerReport(program);
  registerDemo(program);
  registerAdopt(program);
  registerClean(program);
  registerWorker(program);
}
