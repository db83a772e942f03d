// The last step of the data-generating scripts (build-catalogs, build-mappings): write the files,
// or with --check exit 1 naming those that differ from what the script writes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * outputs: relative path -> text, under outDir. `stray` lists committed files the script should
 * have written but did not (reported as differing by --check). `command` is what rewrites them.
 */
export function writeOrCheck({ script, root, outDir, outputs, check, stray = [], command = `node scripts/${script}.js` }) {
  if (check) {
    const differ = [...outputs].filter(([rel, text]) => !existsSync(join(outDir, rel)) || readFileSync(join(outDir, rel), 'utf8') !== text).map(([rel]) => rel);
    differ.push(...stray.map((rel) => `${rel} (not generated)`));
    if (differ.length) {
      console.error(`${script} --check: ${differ.length} file(s) differ from what the script writes: ${differ.join(', ')}`);
      console.error(`run \`${command}\` and commit the result`);
      process.exit(1);
    }
    console.log(`${script} --check: ${outputs.size} files up to date in ${relative(root, outDir)}`);
    return;
  }
  for (const [rel, text] of outputs) {
    mkdirSync(dirname(join(outDir, rel)), { recursive: true });
    writeFileSync(join(outDir, rel), text);
  }
  console.log(`${script}: wrote ${outputs.size} files to ${relative(root, outDir)}`);
}
