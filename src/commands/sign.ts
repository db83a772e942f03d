import type { ExitCodeHelp } from '../errors.js';
import { Args } from '@oclif/core';
import * as Flags from '@oclif/core/flags';
import { signFiles } from '../app/sign.js';
import type { SignedFile } from '../app/sign.js';
import { InfracastCommand } from '../cli/base-command.js';

export default class Sign extends InfracastCommand {
  static override summary = "Sign files with the workspace's signing set-up: PAdES inside PDFs, a Sigstore bundle beside every file.";
  static override description = `Signs each FILE with the key of the workspace's infracast.yaml (signing:): a PDF gets an embedded PAdES signature (ETSI.CAdES.detached, the certificate chain, an RFC 3161 timestamp when signing.tsa_url is set) unless it already has one; every file gets a Sigstore bundle <file>.sigstore.json (an in-toto statement of its sha256, tenant, framework, report type and generated_at), and <file>.p7s with signing.p7s: true. A file listed in out/index.json is described by its index entry; any other file is signed as type "file" with generated_at = the signing time. Files are replaced atomically.

infracast render signs as it renders (options.signed: true, or render --sign); this command signs files made otherwise. infracast verify checks the result.`;

  static override exitCodes: ExitCodeHelp = {
    0: 'every file signed',
    1: 'a file could not be signed',
    2: '',
    3: 'no signing key, the time-stamp authority unreachable, no OIDC token for keyless signing',
  };

  static override strict = false;
  static override args = { file: Args.string({ description: 'Files to sign.', required: true }) };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> out/soc2-signed/soc2-signed.pdf', description: 'Sign one report.' },
    { command: '<%= config.bin %> <%= command.id %> -w examples/acme examples/acme/out/gap/*.md', description: "With another workspace's key." },
  ];

  static override flags = {
    workspace: Flags.string({
      char: 'w',
      description: 'A path inside the workspace whose signing: set-up is used (default: the current directory).',
      helpValue: 'PATH',
    }),
  };

  async run(): Promise<{ signed: SignedFile[] }> {
    const { argv, flags } = await this.parse(Sign);
    const signed = await signFiles({
      files: argv as string[],
      ...(flags.workspace ? { workspace: flags.workspace } : {}),
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    });
    if (!this.jsonEnabled()) {
      for (const s of signed) {
        const pdf = s.pdf === 'embedded' ? 'PDF signature embedded; ' : s.pdf === 'already-signed' ? 'PDF already signed (kept); ' : '';
        this.log(`${s.file}: ${pdf}${s.sidecars.length > 0 ? `wrote ${s.sidecars.join(', ')}` : 'no sidecar'}`);
      }
    }
    return { signed };
  }
}
