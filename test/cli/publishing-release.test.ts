/**
 * attachToRelease against a loopback stand-in for the few release routes of GitHub's REST API
 * (test/support/github-releases.ts). The uploads are served by a second server: they arrive only if
 * the upload_url the API returned is the one used.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { attachToRelease, uploadUrl } from '../../src/app/publishing/release.js';
import { githubStandIn } from '../support/github-releases.js';

const TOKEN = 'ghs_loopbackTokenThatMustNeverBeShown';

function files(contents: Record<string, string>): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'infracast-release-'));
  for (const [name, text] of Object.entries(contents)) writeFileSync(join(dir, name), text);
  return { dir, paths: Object.keys(contents).map((n) => join(dir, n)) };
}

const stands: Awaited<ReturnType<typeof githubStandIn>>[] = [];
after(async () => {
  for (const s of stands) await s.close();
});
async function standIn(options: { digests?: boolean } = {}) {
  const s = await githubStandIn({ token: TOKEN, ...options });
  stands.push(s);
  return s;
}

describe('publishing: attachToRelease against a loopback GitHub', () => {
  it('creates the release when the tag has none, uploads through the returned upload_url, and a re-run uploads nothing', async () => {
    const gh = await standIn();
    const { paths } = files({ 'monthly.pdf': '%PDF-1.7 monthly', 'monthly.md': '# Monthly\n' });
    const options = { apiUrl: `${gh.apiUrl}/`, token: TOKEN, repository: 'o/r', tag: 'reports-2026-11', name: 'Reports, November 2026', files: paths };
    const first = await attachToRelease(options);
    assert.equal(first.release.created, true);
    assert.equal(first.release.tag, 'reports-2026-11');
    assert.deepEqual(first.uploaded, ['monthly.pdf', 'monthly.md']);
    const release = gh.releases.get('reports-2026-11')!;
    assert.deepEqual(
      release.assets.map((a) => [a.name, a.bytes.toString(), a.content_type]),
      [
        ['monthly.pdf', '%PDF-1.7 monthly', 'application/pdf'],
        ['monthly.md', '# Monthly\n', 'text/markdown; charset=utf-8'],
      ],
    );
    // The uploads went to the uploads host the API named, with the API's headers.
    const uploads = gh.seen.filter((s) => s.method === 'POST' && s.server === 'uploads');
    assert.deepEqual(
      uploads.map((u) => u.url),
      [`/upload/repos/o/r/releases/${release.id}/assets?name=monthly.pdf`, `/upload/repos/o/r/releases/${release.id}/assets?name=monthly.md`],
    );
    for (const s of gh.seen) {
      assert.equal(s.authorization, `Bearer ${TOKEN}`);
      assert.equal(s.accept, 'application/vnd.github+json');
      assert.equal(s.version, '2022-11-28');
    }

    const count = gh.seen.length;
    const again = await attachToRelease(options);
    assert.deepEqual(again, { ...first, release: { ...first.release, created: false }, uploaded: [], unchanged: ['monthly.pdf', 'monthly.md'] });
    assert.deepEqual(
      gh.seen.slice(count).map((s) => `${s.method} ${s.url.split('?')[0]}`),
      ['GET /repos/o/r/releases/tags/reports-2026-11', `GET /repos/o/r/releases/${release.id}/assets`],
    );
  });

  it('replaces an asset whose bytes changed (delete, upload again) and adds new ones, under the names given', async () => {
    const gh = await standIn();
    const v1 = files({ 'exec.pdf': 'version 1' });
    await attachToRelease({ apiUrl: gh.apiUrl, token: TOKEN, repository: 'o/r', tag: 'weekly', files: v1.paths });
    const v2 = files({ 'exec.pdf': 'version 2', 'exec.pdf.sigstore.json': '{}' });
    const result = await attachToRelease({
      apiUrl: gh.apiUrl,
      token: TOKEN,
      repository: 'o/r',
      tag: 'weekly',
      cwd: v2.dir,
      files: ['exec.pdf', { path: 'exec.pdf.sigstore.json', name: 'exec.pdf.bundle.json' }],
    });
    assert.deepEqual([result.uploaded, result.replaced, result.unchanged], [['exec.pdf.bundle.json'], ['exec.pdf'], []]);
    assert.deepEqual(
      gh.releases.get('weekly')!.assets.map((a) => [a.name, a.bytes.toString()]),
      [
        ['exec.pdf', 'version 2'],
        ['exec.pdf.bundle.json', '{}'],
      ],
    );
  });

  it('compares bytes by download when the API gives no digest (older assets), without sending the token to storage', async () => {
    const gh = await standIn({ digests: false });
    const same = files({ 'a.md': 'same\n', 'b.md': 'before\n' });
    await attachToRelease({ apiUrl: gh.apiUrl, token: TOKEN, repository: 'o/r', tag: 't', files: same.paths });
    writeFileSync(same.paths[1]!, 'after!\n');
    const count = gh.seen.length;
    const result = await attachToRelease({ apiUrl: gh.apiUrl, token: TOKEN, repository: 'o/r', tag: 't', files: same.paths });
    assert.deepEqual([result.unchanged, result.replaced], [['a.md'], ['b.md']]);
    const downloads = gh.seen.slice(count).filter((s) => s.url.startsWith('/download/'));
    assert.equal(downloads.length, 2);
    for (const d of downloads) assert.equal(d.authorization, undefined, 'the token went to the storage host');
  });

  it('pages through a release with more than 100 assets', async () => {
    const gh = await standIn();
    const many = files(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${String(i).padStart(3, '0')}.md`, `${i}\n`])));
    await attachToRelease({ apiUrl: gh.apiUrl, token: TOKEN, repository: 'o/r', tag: 'many', files: many.paths });
    const again = await attachToRelease({ apiUrl: gh.apiUrl, token: TOKEN, repository: 'o/r', tag: 'many', files: many.paths });
    assert.equal(again.unchanged.length, 101);
    assert.equal(again.uploaded.length + again.replaced.length, 0);
  });

  it('turns HTTP errors into plain messages with the status and GitHub’s words, never the token', async () => {
    const gh = await standIn();
    const { paths } = files({ 'a.md': 'a\n' });
    const options = { apiUrl: gh.apiUrl, token: TOKEN, repository: 'o/r', tag: 'v1', files: paths };
    gh.failNext({
      method: 'POST',
      path: /^\/repos\/o\/r\/releases$/,
      status: 422,
      body: JSON.stringify({
        message: `Validation Failed for ${TOKEN}`,
        errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
      }),
    });
    await assert.rejects(attachToRelease(options), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'RELEASE_FAILED');
      assert.equal(error.message, `POST ${gh.apiUrl}/repos/o/r/releases: 422 Unprocessable Entity: Validation Failed for *** (already_exists: tag_name)`);
      assert.doesNotMatch(JSON.stringify(error) + String(error.stack), new RegExp(TOKEN));
      return true;
    });
    gh.failNext({ method: 'POST', path: /^\/upload\//, status: 500, body: '<html>Internal error</html>\n' });
    await assert.rejects(
      attachToRelease(options),
      /^InfracastError: POST http:\/\/127\.0\.0\.1:\d+\/upload\/repos\/o\/r\/releases\/\d+\/assets: 500 Internal Server Error: <html>Internal error<\/html>$/,
    );
    await assert.rejects(attachToRelease({ ...options, token: 'wrong-token' }), /GET .*\/releases\/tags\/v1: 401 Unauthorized: Bad credentials$/);
  });

  it('says plainly when nothing answers, and refuses bad arguments before any request', async () => {
    const gh = await standIn();
    const { paths } = files({ 'a.md': 'a\n', 'b.md': 'b\n' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(
      attachToRelease({ apiUrl: `http://127.0.0.1:${port}`, token: TOKEN, repository: 'o/r', tag: 'v1', files: paths }),
      (error: Error & { exitCode?: number }) => {
        assert.match(error.message, /: no answer \(ECONNREFUSED\)$/);
        assert.equal(error.exitCode, 3);
        return true;
      },
    );
    const count = gh.seen.length;
    await assert.rejects(attachToRelease({ apiUrl: gh.apiUrl, token: TOKEN, repository: 'o', tag: 'v1', files: paths }), /is not owner\/name/);
    await assert.rejects(
      attachToRelease({ apiUrl: gh.apiUrl, token: TOKEN, repository: 'o/r', tag: 'v1', files: [paths[0]!, { path: paths[1]!, name: 'a.md' }] }),
      /two files would be the same release asset \(a\.md\)/,
    );
    await assert.rejects(
      attachToRelease({ apiUrl: gh.apiUrl, token: TOKEN, repository: 'o/r', tag: 'v1', files: ['/nonexistent/x.pdf'] }),
      /cannot read \/nonexistent\/x\.pdf to attach it: ENOENT/,
    );
    assert.equal(gh.seen.length, count);
  });

  it('expands the upload_url template for the asset name', () => {
    assert.equal(
      uploadUrl('https://uploads.github.com/repos/o/r/releases/7/assets{?name,label}', 'exec report.pdf'),
      'https://uploads.github.com/repos/o/r/releases/7/assets?name=exec%20report.pdf',
    );
    assert.equal(
      uploadUrl('https://ghe.example/api/uploads/repos/o/r/releases/7/assets', 'a.md'),
      'https://ghe.example/api/uploads/repos/o/r/releases/7/assets?name=a.md',
    );
  });
});
