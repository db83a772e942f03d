/**
 * The arguments the `verify` fast path takes (src/verify-fast.ts), read against the real
 * oclif.manifest.json: plain ones are parsed as oclif would, anything else is left to oclif (undefined).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { plainVerifyArgs } from '../../src/verify-fast.js';
import { repoRoot } from '../support/paths.js';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, Parameters<typeof plainVerifyArgs>[1]> };
const verify = manifest.commands.verify!;

describe('verify fast path: which arguments it takes', () => {
  it('parses plain arguments as oclif does (repeatable flags as arrays, -v, --flag=value)', () => {
    assert.deepEqual(plainVerifyArgs(['report.pdf', '--ca', 'a.pem', '--ca=b.pem', '-v', '--json', '--identity', 'x@y.z'], verify), {
      file: 'report.pdf',
      flags: { ca: ['a.pem', 'b.pem'], verbose: true, json: true, identity: 'x@y.z' },
    });
    assert.deepEqual(plainVerifyArgs(['report.pdf'], verify), { file: 'report.pdf', flags: {} });
  });
  const declined: [string, string[]][] = [
    ['--help', ['report.pdf', '--help']],
    ['-h', ['-h']],
    ['an unknown flag', ['report.pdf', '--nope']],
    ['--no-verbose (no allowNo)', ['report.pdf', '--no-verbose']],
    ['no file', ['--json']],
    ['two files', ['a.pdf', 'b.pdf']],
    ['--', ['--', 'report.pdf']],
    ['a non-repeatable flag twice', ['report.pdf', '--key', 'a.pem', '--key', 'b.pem']],
    ['a boolean flag twice', ['report.pdf', '-v', '--verbose']],
    ['a value that looks like a flag', ['report.pdf', '--identity=-v']],
    ['an empty value', ['report.pdf', '--ca=']],
    ['a repeatable flag followed by a bare word', ['--ca', 'a.pem', 'report.pdf']],
    ['a value for a boolean', ['report.pdf', '--verbose=yes']],
  ];
  for (const [name, argv] of declined) it(`leaves ${name} to oclif`, () => assert.equal(plainVerifyArgs(argv, verify), undefined));
  it('leaves a flag it does not understand (a default, options, relationships) to oclif', () => {
    const withDefault = { ...verify, flags: { ...verify.flags, key: { ...verify.flags.key!, default: 'k.pem' } } };
    assert.equal(plainVerifyArgs(['report.pdf'], withDefault), undefined);
  });
});
