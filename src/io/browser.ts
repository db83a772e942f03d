/**
 * The run's browser (DESIGN.md "Runtime"): Chrome or Chromium found on the system, never
 * downloaded; puppeteer-core imported only when a report needs the browser (start-up stays light);
 * one browser per run, launched on first use and always closed by the caller (try/finally, and on
 * SIGINT/SIGTERM through withBrowserSession).
 *
 * Pages are isolated: JavaScript off, and every request but the document's own data: URIs is
 * aborted and recorded, so a report can never fetch, or leak to, anything (DESIGN.md "Rendering":
 * "The PDF page loads nothing from the network").
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBrowser } from './browser-discovery.js';
import type { BrowserDiscovery } from './browser-discovery.js';
import { diagnoseLaunch, interruptedError, launchError, printError } from './browser-errors.js';
import { pidAlive } from './workspace-lock.js';

// Discovery lives in browser-discovery.ts; callers keep importing it from here.
export { browserCandidates, findBrowser, isSnapShim } from './browser-discovery.js';
export type { BrowserDiscovery } from './browser-discovery.js';

/** What Chromium's printToPDF is given (CSS pixels and inches are Chromium's units). */
export interface PrintOptions {
  /** Page size; margins come from the document's @page rule (preferCSSPageSize). */
  format?: 'Letter' | 'A4';
  displayHeaderFooter?: boolean;
  headerTemplate?: string;
  footerTemplate?: string;
  /** Tagged PDF with an outline from the headings. */
  outline?: boolean;
}

export interface PrintResult {
  pdf: Uint8Array;
  /** URLs the page tried to load and was refused (the caller warns about them). */
  blocked: string[];
}

/** puppeteer-core, loaded on first use only (a static import, even of types, is kept off the start-up path). */
const loadPuppeteer = async () => (await import('puppeteer-core')).default;
type Puppeteer = Awaited<ReturnType<typeof loadPuppeteer>>;
type Browser = Awaited<ReturnType<Puppeteer['launch']>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;

/** At most this many pages at once: each holds a whole report's layout, and the runners have 2 cores. */
const MAX_PAGES = 2;
const TIMEOUT_MS = 120_000;

/** The browser profile folders of Infracast runs: `<tmp>/infracast-chromium-<pid>-<random>`. */
const PROFILE_PREFIX = 'infracast-chromium-';
/** A profile whose run is gone (its pid does not run) is removed once this old (its browser has surely exited). */
const PROFILE_DEAD_AFTER_MS = 60_000;
/** ... and any profile this old, whatever its pid says (a pid can be reused, often in containers). */
const PROFILE_STALE_AFTER_MS = 6 * 60 * 60 * 1000;

/**
 * Removes the browser profiles runs killed before they could (kill -9 skips every `finally`): only
 * folders named like ours, only when their run is gone or they are old. Profiles of other runs of
 * other workspaces on the machine are live ones: young, with a live pid, they are left alone.
 */
export function cleanBrowserProfiles(dir: string = tmpdir(), now: number = Date.now()): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const match = new RegExp(`^${PROFILE_PREFIX}(\\d+)-`).exec(entry);
    if (!match) continue;
    const path = join(dir, entry);
    try {
      const age = now - statSync(path).mtimeMs;
      const pid = Number(match[1]);
      const gone = pid !== process.pid && !pidAlive(pid);
      if (age > PROFILE_STALE_AFTER_MS || (gone && age > PROFILE_DEAD_AFTER_MS)) {
        rmSync(path, { recursive: true, force: true });
        removed.push(path);
      }
    } catch {
      // removed meanwhile, or not ours to remove
    }
  }
  return removed;
}

/** Chromium's command line besides what puppeteer adds (the diagnosis of a failed start uses it too). */
function launchArgs(): string[] {
  return [
    // The sandbox cannot start as root (containers, CI); elsewhere it stays on.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-extensions',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--font-render-hinting=none',
  ];
}

/**
 * One browser for a run. Nothing starts until the first print; `close()` is idempotent and must be
 * called (withBrowserSession does it, also on SIGINT/SIGTERM). `kill()` (Ctrl-C) ends the browser
 * at once and every operation in progress rejects with INTERRUPTED at that moment, rather than when
 * puppeteer notices (a browser killed while starting kept a run waiting 30 s for its first page).
 */
export class BrowserSession {
  private launching: Promise<Browser> | undefined;
  private browser: Browser | undefined;
  /** Our own profile folder (puppeteer's default one is named like every other tool's: ours can be cleaned up). */
  private profile: string | undefined;
  private closed = false;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Aborted when the session is closed or killed: puppeteer kills a browser it is still starting. */
  private readonly stopping = new AbortController();
  /** Rejects (INTERRUPTED) when the session is closed or killed: every operation races it. */
  private readonly stopped: Promise<never>;
  /** The killed browser's exit (kill()), which close() waits for before removing the profile. */
  private dying: Promise<void> | undefined;
  /** Every URL refused so far in this session. */
  readonly blocked: string[] = [];

  constructor(private readonly discovery: BrowserDiscovery = {}) {
    this.stopped = new Promise<never>((_resolve, reject) => {
      this.stopping.signal.addEventListener('abort', () => reject(interruptedError()), { once: true });
    });
    this.stopped.catch(() => undefined);
  }

  /** The executable that will be (or was) launched: discovery errors surface before any work. */
  executablePath(): string {
    return findBrowser(this.discovery);
  }

  /** `work`, or INTERRUPTED as soon as the session is stopped, whichever comes first. */
  private guard<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.stopped]);
  }

  private launch(): Promise<Browser> {
    if (this.closed) return Promise.reject(interruptedError());
    this.launching ??= this.start();
    return this.guard(this.launching);
  }

  private async start(): Promise<Browser> {
    const executablePath = findBrowser(this.discovery);
    const puppeteer = await loadPuppeteer();
    const profile = mkdtempSync(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
    this.profile = profile;
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath,
        headless: true,
        userDataDir: profile,
        // A pipe, not a debugging port: nothing listens on the machine, and the browser exits with us.
        pipe: true,
        // Our own handlers close the browser and let the render use case finish its clean-up.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: 60_000,
        args: launchArgs(),
        signal: this.stopping.signal,
      });
    } catch (error) {
      this.removeProfile();
      if (this.closed) throw interruptedError();
      throw launchError(error, executablePath, diagnoseLaunch(executablePath, launchArgs()));
    }
    if (this.closed) {
      // Stopped while it started: it is ended here, as kill() could not reach it.
      browser.process()?.kill('SIGKILL');
      this.removeProfile();
      throw interruptedError();
    }
    // A browser that crashed is not reused: the next print starts a new one.
    browser.once('disconnected', () => {
      if (this.closed || this.browser !== browser) return;
      this.browser = undefined;
      this.launching = undefined;
      if (this.profile === profile) this.removeProfile();
    });
    this.browser = browser;
    return browser;
  }

  /** A page with JavaScript off and every request but data: URIs refused, for the length of `use`. */
  private async withPage<T>(use: (page: Page, blocked: string[]) => Promise<T>): Promise<T> {
    while (this.active >= MAX_PAGES && !this.closed) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.closed) throw interruptedError();
    this.active++;
    let page: Page | undefined;
    try {
      const browser = await this.launch();
      const executablePath = browser.process()?.spawnfile ?? findBrowser(this.discovery);
      try {
        page = await this.guard(browser.newPage());
        const opened = page;
        opened.setDefaultTimeout(TIMEOUT_MS);
        await this.guard(opened.setJavaScriptEnabled(false));
        await this.guard(opened.setRequestInterception(true));
        const blocked: string[] = [];
        opened.on('request', (request) => {
          const url = request.url();
          if (url.startsWith('data:') || url === 'about:blank') {
            void request.continue().catch(() => undefined);
            return;
          }
          blocked.push(url);
          this.blocked.push(url);
          void request.abort('blockedbyclient').catch(() => undefined);
        });
        return await this.guard(use(opened, blocked));
      } catch (error) {
        if (this.closed) throw interruptedError();
        throw printError(error, executablePath, TIMEOUT_MS / 1000);
      }
    } finally {
      // A stopped session does not wait for its pages (the browser is gone or going).
      if (this.closed) void page?.close().catch(() => undefined);
      else await page?.close().catch(() => undefined);
      this.active--;
      this.waiting.shift()?.();
    }
  }

  /** The HTML document printed to PDF; `blocked` lists what it tried to load (all of it refused). */
  async printPdf(html: string, options: PrintOptions = {}): Promise<PrintResult> {
    return this.withPage(async (page, blocked) => {
      // setContent writes the document into about:blank: there is no URL to navigate to, hence
      // nothing for a relative reference to resolve against but about:blank (refused above).
      await page.setContent(html, { waitUntil: 'load', timeout: TIMEOUT_MS });
      await page.emulateMediaType('print');
      const pdf = await page.pdf({
        ...(options.format ? { format: options.format } : {}),
        preferCSSPageSize: true,
        printBackground: true,
        displayHeaderFooter: options.displayHeaderFooter ?? false,
        headerTemplate: options.headerTemplate ?? '<span></span>',
        footerTemplate: options.footerTemplate ?? '<span></span>',
        outline: options.outline ?? false,
        tagged: options.outline ?? false,
        timeout: TIMEOUT_MS,
      });
      return { pdf: new Uint8Array(pdf), blocked: [...blocked] };
    });
  }

  /** Stops the session: what is in progress rejects (INTERRUPTED), pages waiting for a turn are released. */
  private markClosed(): void {
    this.closed = true;
    this.stopping.abort();
    for (const resume of this.waiting.splice(0)) resume();
  }

  /** Closes the browser (idempotent; safe before launch and while a launch is under way). */
  async close(): Promise<void> {
    this.markClosed();
    const browser = this.browser;
    this.browser = undefined;
    if (this.dying) {
      // Killed (kill()): its profile goes once the process is gone.
      await this.dying;
      this.removeProfile();
      return;
    }
    if (!browser) {
      // Not started, failed to start, or still starting (start() ends it when the launch returns).
      if (!this.launching) this.removeProfile();
      return;
    }
    await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]).catch(() => undefined);
    // A browser that did not close in time (or at all) is killed: a run never leaves Chromium behind.
    const child = browser.process();
    if (child && child.exitCode === null) child.kill('SIGKILL');
    this.removeProfile();
  }

  /**
   * Never throws: a browser that crashed leaves helper processes that may still write into the
   * profile for a moment (ENOTEMPTY), so a failed removal is tried once more shortly after, and
   * what remains is removed by the next run's clean-up of dead processes' profiles.
   */
  private removeProfile(): void {
    const profile = this.profile;
    this.profile = undefined;
    if (!profile) return;
    const remove = (): boolean => {
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
        return true;
      } catch {
        return false;
      }
    };
    if (!remove()) setTimeout(remove, 500).unref();
  }

  /**
   * For Ctrl-C and signal handlers: kills the browser process at once (synchronously). Its profile
   * folder is removed by close() once the process is gone (removing it under a dying browser took
   * 0.6 s of retries); a process that exits first leaves it to the next run's clean-up.
   */
  kill(): void {
    this.markClosed();
    const child = this.browser?.process();
    this.browser = undefined;
    if (!child && this.profile) {
      // Still starting (puppeteer kills it: the launch's signal) or never started: best effort now.
      try {
        rmSync(this.profile, { recursive: true, force: true });
        this.profile = undefined;
      } catch {
        // the browser is still writing it: the next run's clean-up removes it
      }
    }
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      this.dying = new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        setTimeout(resolve, 1_000).unref();
      });
    }
  }
}

/** A session that launches on first use. */
export function openBrowserSession(discovery: BrowserDiscovery = {}): BrowserSession {
  return new BrowserSession(discovery);
}

/**
 * Runs `use` with a browser session and closes it whatever happens: on return, on a throw, and on
 * SIGINT/SIGTERM (the browser is killed, then the signal is raised again so the process ends as it
 * would have: exit 130 for Ctrl-C). This is what the render use case wraps its loop in.
 */
export async function withBrowserSession<T>(use: (session: BrowserSession) => Promise<T>, discovery: BrowserDiscovery = {}): Promise<T> {
  const session = openBrowserSession(discovery);
  const onSignal = (signal: NodeJS.Signals): void => {
    session.kill();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await use(session);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await session.close();
  }
}
