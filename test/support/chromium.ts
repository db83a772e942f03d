/**
 * A test-only BrowserSession (the real one is src/io/browser.ts): puppeteer-core on the system's
 * Chromium, drawing an SVG as PNG the way the interface promises (width in CSS pixels, device scale
 * 2, transparent background). --no-sandbox only when running as root, where Chromium refuses to
 * start sandboxed.
 */
import type { Browser } from 'puppeteer-core';
import type { BrowserSession } from '../../src/renderers/renderer.js';

export interface TestBrowser extends BrowserSession {
  close(): Promise<void>;
}

export async function launchTestBrowser(executablePath: string): Promise<TestBrowser> {
  const { launch } = await import('puppeteer-core');
  const root = process.getuid?.() === 0;
  const browser: Browser = await launch({ executablePath, headless: true, args: ['--headless', ...(root ? ['--no-sandbox'] : [])] });
  return {
    async rasteriseSvg(svg: string, width: number): Promise<Uint8Array> {
      const page = await browser.newPage();
      try {
        await page.setJavaScriptEnabled(false);
        await page.setViewport({ width: Math.ceil(width), height: 100, deviceScaleFactor: 2 });
        await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
        const element = await page.$('svg');
        if (!element) throw new Error('no <svg> element in the image');
        await element.evaluate((node, w) => {
          const ratio =
            node.viewBox.baseVal && node.viewBox.baseVal.width
              ? node.viewBox.baseVal.height / node.viewBox.baseVal.width
              : node.getBoundingClientRect().height / node.getBoundingClientRect().width;
          node.setAttribute('width', String(w));
          node.setAttribute('height', String(Math.round(w * ratio)));
        }, width);
        return await element.screenshot({ type: 'png', omitBackground: true });
      } finally {
        await page.close();
      }
    },
    async close(): Promise<void> {
      await browser.close();
    },
  };
}
