#!/usr/bin/env node
// The infracast CLI: oclif with the commands, bundled into dist/cli by `npm run build`
// (scripts/bundle-cli.js). oclif reads oclif.manifest.json, so --help imports no command.
// `verify` with plain arguments runs without oclif (dist/cli/verify-fast.js: start-up is most of a
// verification's time); anything else, or anything unusual, goes to oclif.
const args = process.argv.slice(2);
const fast =
  args[0] === 'verify' && (await (await import('../dist/cli/verify-fast.js')).runVerifyFast(args.slice(1), new URL('../oclif.manifest.json', import.meta.url)));
if (!fast) {
  const { execute } = await import('../dist/cli/main.js');
  await execute({ dir: import.meta.url });
}
