/**
 * One sticky comment on a pull request (the Action's `pr-diff`): the comment carrying a hidden
 * marker line is found among the pull request's issue comments and edited, else one is created.
 * Re-running a workflow, or pushing to the pull request again, so updates the same comment rather
 * than adding one per run. GitHub caps a comment's body at 65,536 characters: a longer body is
 * refused here, before any request (the caller shortens it; see COMMENT_MAX_CHARS).
 */
import { ExitCode, InfracastError } from '../../errors.js';
import { gitHubApi } from './github-api.js';
import type { GitHubApi } from './github-api.js';

/** GitHub's limit on an issue or pull-request comment body (characters). */
export const COMMENT_MAX_CHARS = 65_536;

export interface UpsertCommentOptions {
  apiUrl: string;
  token: string;
  /** owner/name. */
  repository: string;
  /** The pull request's number (its issue number). */
  number: number;
  /** The hidden line that identifies the comment, e.g. `<!-- infracast:diff -->`; the body must contain it. */
  marker: string;
  body: string;
  fetch?: typeof fetch;
  onLog?: (line: string) => void;
}

export interface UpsertCommentResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  html_url?: string;
}

/** The part of an issue comment the upsert reads. */
export interface IssueComment {
  id: number;
  body?: string | null;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

/**
 * The comment to edit, if any: the oldest carrying the marker (on a line of its own) written by a
 * bot (GITHUB_TOKEN's github-actions[bot], a GitHub App); failing that, the oldest carrying it at
 * all (a personal access token writes as a person). A person who pasted the marker into their own
 * comment loses to the bot's comment, and editing theirs would be refused (403): see upsertComment.
 */
export function findSticky<T extends IssueComment>(comments: readonly T[], marker: string): T | undefined {
  const marked = comments.filter((c) => typeof c.body === 'string' && c.body.split(/\r?\n/).some((line) => line.trim() === marker));
  return marked.find((c) => c.user?.type === 'Bot') ?? marked[0];
}

function failure(message: string, exitCode: ExitCode = ExitCode.Failed): InfracastError {
  return new InfracastError('COMMENT_FAILED', message, {
    exitCode,
    hints:
      exitCode === ExitCode.Failed
        ? ['Check the workflow grants the token pull-requests: write (permissions:), and that the pull request is in this repository.']
        : [],
  });
}

/** Every issue comment of the pull request, oldest first, page by page. */
export async function listComments(api: GitHubApi, repository: string, number: number): Promise<IssueComment[]> {
  const comments: IssueComment[] = [];
  for (let page = 1; ; page++) {
    const batch = (await api.json<IssueComment[]>('GET', `/repos/${repository}/issues/${number}/comments?per_page=100&page=${page}`)) ?? [];
    comments.push(...batch);
    if (batch.length < 100) return comments;
  }
}

/** Creates or edits the pull request's sticky comment (see the module comment). */
export async function upsertComment(options: UpsertCommentOptions): Promise<UpsertCommentResult> {
  const log = options.onLog ?? (() => undefined);
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(options.repository)) throw failure(`repository ${JSON.stringify(options.repository)} is not owner/name`);
  if (!Number.isInteger(options.number) || options.number <= 0) throw failure(`pull request number ${options.number} is not a positive integer`);
  if (!options.body.includes(options.marker)) throw failure(`the comment body lacks its marker ${options.marker}: the next run could not find it`);
  if (options.body.length > COMMENT_MAX_CHARS)
    throw failure(`the comment body has ${options.body.length} characters; GitHub accepts at most ${COMMENT_MAX_CHARS}`);
  const api = gitHubApi({ apiUrl: options.apiUrl, token: options.token, ...(options.fetch ? { fetch: options.fetch } : {}), failure });
  const comments = await listComments(api, options.repository, options.number);
  const sticky = findSticky(comments, options.marker);
  const others = comments.filter((c) => c !== sticky && typeof c.body === 'string' && c.body.includes(options.marker));
  if (others.length > 0)
    log(`${others.length} other comment(s) carry ${options.marker} too (ids ${others.map((c) => c.id).join(', ')}); comment ${sticky!.id} is the one updated`);
  if (sticky && sticky.body === options.body) return { action: 'unchanged', id: sticky.id, ...(sticky.html_url ? { html_url: sticky.html_url } : {}) };
  if (sticky) {
    try {
      const updated = await api.json<IssueComment>('PATCH', `/repos/${options.repository}/issues/comments/${sticky.id}`, { body: { body: options.body } });
      return { action: 'updated', id: sticky.id, ...(updated?.html_url ? { html_url: updated.html_url } : {}) };
    } catch (error) {
      // Someone else's comment carrying the marker (this token may not edit it): post our own.
      if (!(error instanceof InfracastError) || !/: 403\b/.test(error.message)) throw error;
      log(`comment ${sticky.id} carries ${options.marker} but this token may not edit it (403); posting a new comment`);
    }
  }
  const created = await api.json<IssueComment>('POST', `/repos/${options.repository}/issues/${options.number}/comments`, { body: { body: options.body } });
  if (!created || typeof created.id !== 'number') throw failure(`the new comment on pull request #${options.number} came back without an id`);
  return { action: 'created', id: created.id, ...(created.html_url ? { html_url: created.html_url } : {}) };
}
