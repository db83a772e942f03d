#!/usr/bin/env node
// The infracast CLI: oclif with the commands, bundled into dist/cli by `npm run build`
// (scripts/bundle-cli.js). oclif reads oclif.manifest.json, so --help imports no command.
const { execute } = await import('../dist/cli/main.js');
await execute({ dir: import.meta.url });
