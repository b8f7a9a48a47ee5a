#!/usr/bin/env node
// The installed entry point. Node 20 cannot run .ts itself, so tsx (a runtime dependency) loads the sources.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv);
