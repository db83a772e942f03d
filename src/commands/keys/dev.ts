import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { devKeys } from '../../app/dev-keys.js';
import type { DevKeysResult } from '../../app/dev-keys.js';
import { InfracastCommand } from '../../cli/base-command.js';
import { displayPath } from '../../cli/print-diagnostics.js';
import type { ExitCodeHelp } from '../../errors.js';

export default class KeysDev extends InfracastCommand {
  static override summary = 'Make a throwaway development signing key in the workspace (.dev-keys/), to try signing and verifying.';
  static override description = `Writes, in the workspace's .dev-keys/ folder (which git ignores: the folder holds its own .gitignore): dev-root-ca.pem, a development root CA; signing-key.pem, the signer's EC P-256 private key (unencrypted, mode 600); signing-cert.pem, the signer's certificate (the e-mail as subject and SAN, digitalSignature, emailProtection and documentSigning) then its issuing CA's; signing.pub.pem, the signer's public key.

The signer e-mail is --email, else the workspace's signing.signer. A key already there whose certificate names that e-mail and is valid for another 30 days is kept (--force replaces it).

Point infracast.yaml at it (signing.key: .dev-keys/signing-key.pem, signing.certificate: .dev-keys/signing-cert.pem, signing.signer: the e-mail), render with --sign, then check with infracast verify FILE --ca .dev-keys/dev-root-ca.pem.

These keys prove nothing about anyone: never sign reports you send with them. For real signing, configure your organisation's key and certificate (PEM or PKCS#12), or keyless Sigstore signing in GitHub Actions; see docs/signing.md.`;

  static override exitCodes: ExitCodeHelp = { 0: 'made, or a valid one kept', 1: 'no workspace', 2: 'the command line is wrong, or no signer e-mail' };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %>', description: 'A key for the workspace around the current directory, for its signing.signer.' },
    { command: '<%= config.bin %> <%= command.id %> out/acme --email compliance@acme.com', description: 'For another workspace and signer.' },
  ];

  static override args = {
    workspace: Args.string({ description: 'A path inside the workspace (default: the current directory).', required: false }),
  };

  static override flags = {
    email: Flags.string({ description: "The signer's e-mail (default: the workspace's signing.signer).", helpValue: 'EMAIL' }),
    force: Flags.boolean({ description: 'Replace a key that is still valid.', default: false }),
  };

  async run(): Promise<DevKeysResult> {
    const { args, flags } = await this.parse(KeysDev);
    const result = await devKeys({
      ...(args.workspace ? { workspace: args.workspace } : {}),
      ...(flags.email ? { email: flags.email } : {}),
      force: flags.force,
    });
    if (!this.jsonEnabled()) {
      const folder = displayPath(result.folder);
      this.log(
        result.made
          ? `Made a throwaway development signing key for ${result.signer} in ${folder} (valid until ${result.valid_until.slice(0, 10)}).`
          : `${folder} already holds a development key for ${result.signer}, valid until ${result.valid_until.slice(0, 10)} (--force replaces it).`,
      );
      this.log(`  trust anchor for infracast verify --ca: ${displayPath(result.files.root_ca)}`);
      if (!result.configured)
        this.log(
          `  to sign with it, set in infracast.yaml:\n    signing:\n      key: .dev-keys/signing-key.pem\n      certificate: .dev-keys/signing-cert.pem\n      signer: ${result.signer}`,
        );
      this.log('  Development only: these keys prove nothing about anyone.');
    }
    return result;
  }
}
