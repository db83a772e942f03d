/**
 * A loopback stand-in for the pull-request routes of GitHub's REST API the action's pr-diff uses:
 * list a pull request's issue comments (paginated: per_page, page), create one, edit one. It keeps
 * the comments, records every request (method, URL, Authorization) and answers 401 to any token but
 * the one given, 404 to anything else.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  html_url: string;
}

export async function pullRequestStandIn(options: { token: string; repository: string; number: number }) {
  const comments: StandInComment[] = [];
  const requests: { method: string; url: string; authorization?: string; body?: string }[] = [];
  let nextId = 1000;
  const add = (body: string, user: StandInComment['user']): StandInComment => {
    const id = nextId++;
    const comment = { id, body, user, html_url: `https://github.invalid/${options.repository}/pull/${options.number}#issuecomment-${id}` };
    comments.push(comment);
    return comment;
  };
  const listPath = `/repos/${options.repository}/issues/${options.number}/comments`;
  const editPath = new RegExp(`^/repos/${options.repository}/issues/comments/(\\d+)$`);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
        ...(body ? { body } : {}),
      });
      const answer = (status: number, json: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      if (request.headers.authorization !== `Bearer ${options.token}`) return answer(401, { message: 'Bad credentials' });
      const url = new URL(request.url ?? '/', 'http://stand-in');
      if (request.method === 'GET' && url.pathname === listPath) {
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
        const page = Number(url.searchParams.get('page') ?? 1);
        return answer(200, comments.slice((page - 1) * perPage, page * perPage));
      }
      if (request.method === 'POST' && url.pathname === listPath)
        return answer(201, add((JSON.parse(body) as { body: string }).body, { login: 'github-actions[bot]', type: 'Bot' }));
      const edit = editPath.exec(url.pathname);
      const existing = edit ? comments.find((c) => c.id === Number(edit[1])) : undefined;
      if (request.method === 'PATCH' && existing) {
        if (existing.user.type !== 'Bot') return answer(403, { message: 'Resource not accessible by integration' });
        existing.body = (JSON.parse(body) as { body: string }).body;
        return answer(200, existing);
      }
      answer(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    comments,
    requests,
    /** A comment already on the pull request (someone's review, an older bot's). */
    add,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
