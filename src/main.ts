/**
 * The CLI's entry, loaded by bin/run.js: oclif's execute. scripts/bundle-cli.js bundles it with
 * the commands into dist/cli, so that oclif and the commands share one copy and start-up reads
 * a handful of files instead of hundreds.
 */
export { execute } from '@oclif/core/execute';
