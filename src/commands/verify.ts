import type { ExitCodeHelp } from '../errors.js';
import { Args } from '@oclif/core';
import * as Flags from '@oclif/core/flags';
import { verifyFile } from '../app/verify.js';
import { InfracastCommand } from '../cli/base-command.js';
import { failureLine, shownReport, verifyOptionsOf, type ShownReport } from '../app/verify-output.js';
import { ExitCode } from '../errors.js';

export default class Verify extends InfracastCommand {
  static override summary = 'Verify a signed report: embedded PDF signature, Sigstore bundle, .p7s. No account; no network unless --online.';
  static override description = `Prints the Reports API's verification result as JSON: valid, signed_by, signed_at, tenant, framework, generated_at, tampered, plus status (valid | tampered | untrusted | unsigned | malformed), signed_at_source (rfc3161: a verified time-stamp authority token; transparency-log; claimed-by-signer: the signer's own clock), and checks. --verbose adds every check made.

What is checked: each signature embedded in a PDF covers its revision (byte range from 0 to the end of that revision, /Contents exactly the signature in hex plus zero padding), and every incremental update after the first signed revision only adds signatures, document timestamps or DSS data (anything else, such as page content, annotations or the Info dictionary, makes the signatures before it "tampered", naming the revision); the CMS signature and its signing-certificate-v2, the chain to a root given with --ca (at the time-stamp's time when there is a valid one), the signer's key usage, the RFC 3161 token (signature, TSA chain, imprint), a document timestamp's token over its byte range; pdf_signatures lists each signature with its field, signer, status, revision and PAdES profile; for the <file>.sigstore.json bundle, the DSSE signature, then the file's sha256 against the statement; a <file>.p7s beside the file. Metadata is read from signed data only. Revocation: every certificate of an X.509 signer's path is checked against the CRLs and OCSP responses in the PDF's DSS (PAdES B-LT), in --crl/--ocsp files, and with --online those its distribution points and OCSP responders give; checks.revocation says good, revoked or not-checked (and why). A signer revoked before the RFC 3161 time, or after it for a key compromise, or revoked at all when there is no RFC 3161 time, is "untrusted".

An intact file whose signer does not chain to a root you gave is "untrusted", never "valid": pass the organisation's root CA (--ca), the signing public key (--key, for bundles signed with a local key), or a Sigstore trusted root and the expected workflow identity (--trusted-root, --identity, --issuer) for keyless bundles.`;

  static override exitCodes: ExitCodeHelp = { 0: 'valid', 1: 'tampered, untrusted, unsigned or malformed', 2: '' };

  static override args = { file: Args.string({ description: 'The signed file.', required: true }) };

  static override examples = [
    { command: '<%= config.bin %> <%= command.id %> report.pdf --ca acme-root.pem', description: 'A signed PDF, trusting the organisation root.' },
    {
      command: '<%= config.bin %> <%= command.id %> gap.md --key signing.pub.pem',
      description: 'A Markdown report and its gap.md.sigstore.json, signed with a local key.',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> gap.xlsx --trusted-root trusted_root.json --identity https://github.com/acme/compliance/.github/workflows/report.yml@refs/heads/main --issuer https://token.actions.githubusercontent.com',
      description: 'A bundle signed keyless in GitHub Actions.',
    },
  ];

  static override flags = {
    bundle: Flags.string({ description: 'The Sigstore bundle (default: FILE.sigstore.json when present).', helpValue: 'FILE' }),
    ca: Flags.string({ description: 'A trusted root CA certificate, PEM (repeatable).', multiple: true, helpValue: 'ROOT.pem' }),
    key: Flags.string({ description: 'The signing public key, PEM, for bundles signed with a local key.', helpValue: 'PUB.pem' }),
    'trusted-root': Flags.string({ description: 'A Sigstore trusted_root.json, for keyless bundles.', helpValue: 'FILE' }),
    identity: Flags.string({
      description:
        'The signer to require: an e-mail (SAN rfc822Name, else subject emailAddress) or a subject CN/DN for X.509 signers; the SAN (e.g. the workflow ref) for keyless bundles. A bare public key names no identity, so it is then untrusted.',
      helpValue: 'IDENTITY',
    }),
    issuer: Flags.string({
      description: "The issuer to require: the issuing CA's subject (CN or DN) for X.509 signers; the OIDC issuer for keyless bundles.",
      helpValue: 'ISSUER',
    }),
    online: Flags.boolean({ description: "Fetch revocation data from the certificates' CRL distribution points and OCSP responders (default: offline)." }),
    crl: Flags.string({ description: 'A CRL file (DER or PEM) for revocation checking (repeatable).', multiple: true, helpValue: 'FILE' }),
    ocsp: Flags.string({ description: 'An OCSP response file (DER) for revocation checking (repeatable).', multiple: true, helpValue: 'FILE' }),
    verbose: Flags.boolean({ char: 'v', description: 'List every check made.' }),
  };

  async run(): Promise<ShownReport> {
    const { args, flags } = await this.parse(Verify);
    const report = await verifyFile(verifyOptionsOf(args.file, flags));
    const shown = shownReport(report, flags.verbose);
    // The result is JSON either way (the spec's response); --json only changes how errors print.
    if (!this.jsonEnabled()) this.log(JSON.stringify(shown, null, 2));
    if (!report.valid) {
      process.exitCode = ExitCode.Failed;
      if (!this.jsonEnabled()) process.stderr.write(failureLine(args.file, report));
    }
    return shown;
  }
}
