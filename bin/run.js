#!/usr/bin/env node
// The infracast CLI. Commands live in src/commands (compiled to dist/src/commands); oclif reads
// oclif.manifest.json so that --help does not import every command.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
