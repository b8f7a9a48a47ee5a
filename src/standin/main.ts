/**
 * Runs the stand-in on its own, for trying an agent by hand:
 *   node --import tsx src/standin/main.ts [--port 8787] [--goal "..."] [--file notes.md]
 * It plays a whole attempt of evolve's agent (agentAttemptScript) that writes one file, prints
 * {"url": ...} on stdout, logs each request on stderr, and runs until interrupted.
 */
import { parseArgs } from 'node:util';
import { agentAttemptScript } from './agent-script.ts';
import { startStandin } from './server.ts';
import type { Script } from './types.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    goal: { type: 'string', default: 'Add a short NOTES.md describing the project' },
    file: { type: 'string', default: 'NOTES.md' },
  },
});

const play = agentAttemptScript({ goal: values.goal, edits: [{ path: values.file, content: `# Notes\n\nWritten by the stand-in model (no real model was called).\n` }] });
const logged: Script = async (request, ctx) => {
  const answer = await play(request, ctx);
  process.stderr.write(`stand-in: request ${ctx.index}${request.tool_choice?.type === 'tool' ? ` (forced ${request.tool_choice.name})` : ''}\n`);
  return answer;
};
const standin = await startStandin({ script: logged, port: Number(values.port) });
process.stdout.write(JSON.stringify({ url: standin.url }) + '\n');
const stop = () => void standin.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
