/**
 * E-mail delivery against an independent SMTP server: Debian's python3-aiosmtpd on 127.0.0.1 with a
 * login required and one recipient refused, each message parsed by Python's own `email` package
 * and saved as JSON (envelope, Message-ID, attachments' sha256). Skipped with a message when
 * /usr/bin/python3 lacks aiosmtpd; under CI it must be there (scripts/setup.sh --tests installs it).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deliverScheduledRun } from '../../src/app/delivery/deliver.js';
import type { DeliveryOptions } from '../../src/app/delivery/deliver.js';
import { messageIdOf } from '../../src/app/delivery/email.js';
import { deliveryFixture, everythingSaid, SMTP_PASSWORD, SMTP_USER } from '../support/delivery.js';
import { freePort } from '../support/ports.js';

const PYTHON = '/usr/bin/python3';
const available = spawnSync(PYTHON, ['-c', 'import aiosmtpd'], { encoding: 'utf8' });
const skip =
  available.status === 0 ? false : `Debian's python3-aiosmtpd is not installed (${PYTHON} -c 'import aiosmtpd' failed): apt-get install python3-aiosmtpd`;
if (skip && process.env.CI) throw new Error(`${skip}; CI installs it (scripts/setup.sh --tests)`);

/** An aiosmtpd server: AUTH required (no TLS: loopback), nobody@ refused, each message saved as JSON by Python's email parser. */
const SERVER = String.raw`
import hashlib, json, os, sys, time, email, email.policy
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

out, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok, auth_data=auth_data.login.decode() if ok else None)

class Saver:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith('nobody@'):
            return '550 5.1.1 no such user here'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        attachments = {}
        for part in msg.iter_attachments():
            data = part.get_payload(decode=True)
            attachments[part.get_filename()] = hashlib.sha256(data).hexdigest()
        body = msg.get_body(preferencelist=('plain',))
        record = {
            'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos, 'login': session.auth_data if isinstance(session.auth_data, str) else None,
            'message_id': msg['Message-ID'], 'date': msg['Date'], 'subject': msg['Subject'],
            'schedule': msg['X-Infracast-Schedule'], 'slot': msg['X-Infracast-Slot'],
            'text': body.get_content() if body is not None else '', 'attachments': attachments,
        }
        n = len(os.listdir(out))
        with open(os.path.join(out, '%03d.json' % n), 'w') as f:
            json.dump(record, f)
        return '250 Message accepted for delivery'

controller = Controller(Saver(), hostname='127.0.0.1', port=port, authenticator=authenticator, auth_required=True, auth_require_tls=False)
controller.start()
print('ready', flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
`;

interface Saved {
  mail_from: string;
  rcpt_tos: string[];
  login: string | null;
  message_id: string;
  date: string;
  subject: string;
  schedule: string;
  slot: string;
  text: string;
  attachments: Record<string, string>;
}

describe('e-mail delivery (Debian python3-aiosmtpd on 127.0.0.1)', { skip }, () => {
  let child: ChildProcess;
  let port: number;
  const saved = mkdtempSync(join(tmpdir(), 'infracast-aiosmtpd-'));
  const messages = (): Saved[] =>
    readdirSync(saved)
      .sort()
      .map((f) => JSON.parse(readFileSync(join(saved, f), 'utf8')) as Saved);

  before(async () => {
    port = await freePort();
    const script = join(mkdtempSync(join(tmpdir(), 'infracast-aiosmtpd-server-')), 'server.py');
    writeFileSync(script, SERVER);
    child = spawn(PYTHON, [script, saved, String(port), SMTP_USER, SMTP_PASSWORD], { stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    child.stderr!.on('data', (c: Buffer) => (errors += c.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`aiosmtpd exited (${code}): ${errors}`)));
    });
  });
  after(() => {
    child.kill();
  });

  it('receives one message per slot: envelope, Message-ID, slot headers and attachment bytes; a re-run sends nothing', async () => {
    const fx = deliveryFixture(
      `mail:\n  from: infracast@acme.com\n  smtp_host: 127.0.0.1\n  smtp_port: ${port}\n  secure: false\n  username_env: SMTP_LOGIN\n  password_env: SMTP_SECRET\n  attach_max_bytes: 1024\n`,
    );
    const logs: string[] = [];
    const options: DeliveryOptions = {
      config: fx.config,
      schedules: [{ name: 'Weekly Executive', slot: '2027-03-15T11:00:00Z', recipients: ['ciso@acme.test', 'nobody@acme.test'], artifacts: fx.weekly }],
      env: { SMTP_LOGIN: SMTP_USER, SMTP_SECRET: SMTP_PASSWORD },
      onLog: (line) => logs.push(line),
    };
    const first = await deliverScheduledRun(options);
    assert.equal(first.ok, true, first.failures.join('\n'));
    const [message, ...more] = messages();
    assert.equal(more.length, 0);
    assert.deepEqual([message!.mail_from, message!.rcpt_tos, message!.login], ['infracast@acme.com', ['ciso@acme.test'], SMTP_USER]);
    assert.equal(message!.message_id, messageIdOf('acme-corp', 'Weekly Executive', '2027-03-15T11:00:00Z', 'infracast@acme.com'));
    assert.equal(message!.message_id, first.emails[0]!.messageId);
    assert.deepEqual([message!.schedule, message!.slot, message!.date], ['Weekly Executive', '2027-03-15T11:00:00Z', 'Mon, 15 Mar 2027 11:00:00 +0000']);
    assert.deepEqual(message!.attachments, {
      'weekly-executive.md': fx.weekly[0]!.sha256,
      'weekly-executive.md.sigstore.json': message!.attachments['weekly-executive.md.sigstore.json'],
      'weekly-executive.json': fx.weekly[1]!.sha256,
    });
    assert.ok(message!.text.includes(`sha256 ${fx.large.sha256}`));
    assert.deepEqual(first.emails[0]!.rejected, ['nobody@acme.test']);
    assert.ok(first.warnings.some((w) => /rejected nobody@acme\.test/.test(w)));

    const again = await deliverScheduledRun(options);
    assert.equal(messages().length, 1, 'nothing sent twice');
    assert.equal(again.emails[0]!.status, 'already-sent');
    const text = everythingSaid([first, again, logs, readFileSync(join(fx.root, '.infracast/deliveries.jsonl'), 'utf8')]);
    assert.ok(!text.includes(SMTP_PASSWORD));
  });
});
