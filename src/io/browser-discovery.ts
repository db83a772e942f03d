/**
 * Which browser prints the PDFs (DESIGN.md "Runtime"): Chrome or Chromium found on the system,
 * never downloaded. CHROME_PATH or PUPPETEER_EXECUTABLE_PATH first (and then only that one), then
 * the usual places; Ubuntu's snap shims are skipped, and BROWSER_NOT_FOUND (exit 3) says what was
 * tried and how to install one.
 */
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, InfracastError } from '../errors.js';

/** Where Chrome or Chromium usually is, in the order tried after CHROME_PATH / PUPPETEER_EXECUTABLE_PATH. */
export function browserCandidates(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      join(homedir(), 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
      join(homedir(), 'Applications/Chromium.app/Contents/MacOS/Chromium'),
    ];
  }
  if (platform === 'win32') {
    const roots = [process.env.PROGRAMFILES, process.env['PROGRAMFILES(X86)'], process.env.LOCALAPPDATA].filter((r): r is string => Boolean(r));
    return roots.flatMap((r) => [join(r, 'Google/Chrome/Application/chrome.exe'), join(r, 'Chromium/Application/chrome.exe')]);
  }
  return [
    // Debian's package (a launcher script that execs /usr/lib/chromium/chromium: it works headless).
    '/usr/bin/chromium',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/google-chrome',
    // GitHub's Ubuntu runners ship Google Chrome here (and link it as google-chrome).
    '/opt/google/chrome/chrome',
    '/usr/lib/chromium/chromium',
    // Last: on Ubuntu this is usually the snap shim, which is rejected below.
    '/usr/bin/chromium-browser',
  ];
}

/**
 * Ubuntu's `chromium-browser` (and `chromium`) packages are shims that run the snap. The snap's
 * confinement cannot reach puppeteer's temporary profile and pipes, so it fails to start headless
 * (or hangs): a snap is skipped, and named in the error so the user knows why it was not used.
 */
export function isSnapShim(path: string): boolean {
  try {
    if (realpathSync(path).includes('/snap/')) return true;
    const size = statSync(path).size;
    if (size > 64 * 1024) return false; // a real browser binary, not a script
    const text = readFileSync(path, 'latin1');
    return text.startsWith('#!') && /\/snap\/|snap install|requires the chromium snap/.test(text);
  } catch {
    return false;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface BrowserDiscovery {
  env?: NodeJS.ProcessEnv;
  /** Locations to try after the environment variables (default: browserCandidates()). Tests inject their own. */
  candidates?: readonly string[];
}

const INSTALL_HINTS = [
  'Install Chromium or Google Chrome: `sudo apt-get install chromium` (Debian), `brew install --cask google-chrome` (macOS); on Ubuntu use Google Chrome, not the chromium snap.',
  'Or point CHROME_PATH at a Chrome or Chromium executable: CHROME_PATH=/path/to/chrome infracast render ...',
];

/** The browser executable to use, or BROWSER_NOT_FOUND (exit 3) saying what was tried. */
export function findBrowser(options: BrowserDiscovery = {}): string {
  const env = options.env ?? process.env;
  const tried: string[] = [];
  for (const name of ['CHROME_PATH', 'PUPPETEER_EXECUTABLE_PATH'] as const) {
    const value = env[name];
    if (!value) continue;
    if (executable(value) && !isSnapShim(value)) return value;
    // A browser named explicitly is the one wanted (a pinned version, reproducible PDFs): never
    // fall back silently to another one.
    throw new InfracastError(
      'BROWSER_NOT_FOUND',
      `${name}=${value} is ${isSnapShim(value) ? 'a snap, which cannot run headless here' : 'not an executable file'}`,
      {
        exitCode: ExitCode.Environment,
        hints: [`Point ${name} at a Chrome or Chromium executable, or unset it to use the usual locations.`, INSTALL_HINTS[0]!],
      },
    );
  }
  for (const candidate of options.candidates ?? browserCandidates()) {
    if (!executable(candidate)) continue;
    if (isSnapShim(candidate)) {
      tried.push(`${candidate} (a snap shim, which cannot run headless here)`);
      continue;
    }
    return candidate;
  }
  throw new InfracastError(
    'BROWSER_NOT_FOUND',
    `no Chrome or Chromium found for PDF rendering${tried.length ? `; tried ${tried.join(', ')}` : ''} (Infracast never downloads a browser)`,
    { exitCode: ExitCode.Environment, hints: INSTALL_HINTS },
  );
}
