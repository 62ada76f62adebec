#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);

// src/cli/main.ts
async function main(argv) {
  console.log(`jobagent: ${argv.join(" ")}`);
  return 0;
}

// src/cli.ts
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  }
);
