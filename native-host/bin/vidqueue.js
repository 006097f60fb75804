#!/usr/bin/env node
// The `vidqueue` command. The host is compiled ahead of time (`npm run build`):
// browsers start it cold and often, so no TypeScript is compiled at run time.
import { main } from '../dist/vidqueue.js';

void main(process.argv.slice(2)).then((code) => {
  if (code !== -1) process.exitCode = code;
});
