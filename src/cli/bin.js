#!/usr/bin/env node
// The `hotline` command. TypeScript sources run through tsx's loader, so a
// fresh clone needs no separate compile step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
