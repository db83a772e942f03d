#!/usr/bin/env node
// Writes oclif.manifest.json (the command list oclif reads instead of importing every command
// for --help), as `oclif manifest` does, with @oclif/core alone. Run by `npm run build`.
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
await plugin.load();
const manifest = plugin.manifest;
const target = join(root, 'oclif.manifest.json');
writeFileSync(`${target}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
renameSync(`${target}.tmp`, target);
console.log(`manifest: ${Object.keys(manifest.commands).length} commands -> oclif.manifest.json`);
