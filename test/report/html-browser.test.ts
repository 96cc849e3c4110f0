// The HTML report in a real browser: Debian's headless Chromium (/usr/bin/chromium, or CHROMIUM_PATH) driven by
// playwright-core, which never downloads a browser of its own. The page must draw its three charts with no network
// request (every non-file, non-data request is aborted and fails the test) and no console error (a request the
// page's CSP refused shows up there), and the screenshot must show the charts: each chart's PNG is decoded
// (test/helpers/png.ts) and must be mostly not blank, with the solid fill colours of its band or bars present.
// Without Chromium the tests fail when CI is set (.ci/run installs it) and are skipped with a warning otherwise.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_COLOURS as C } from '../../src/report/html/client.js';
import { renderHtml } from '../../src/report/html.js';
import type { Report } from '../../src/report/model.js';
import { colourShare, decodePng, inkShare } from '../helpers/png.js';
import { loadSample } from './sample.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
if (missing && !process.env.CI) console.warn(`test/report/html-browser.test.ts skipped: ${missing}`);

// Keeps Chromium's own background traffic (component updates, sync, lookups of Google's hosts) from starting: on a
// machine without outside network those connections fail at every start. Playwright adds --headless and, as root,
// --no-sandbox.
const ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const local = (url: string) => url.startsWith('file:') || url.startsWith('data:');

if (missing && process.env.CI)
  it('has Chromium (required when CI is set)', () => {
    throw new Error(`CI is set but there is ${missing}`);
  });

describe.skipIf(missing !== null)(
  `the HTML report in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let browser: Browser;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'aicost-html-'));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    });
    afterAll(async () => {
      await browser?.close();
      // KEEP_SCREENSHOTS=1 leaves the pages and PNGs to look at
      if (process.env.KEEP_SCREENSHOTS) console.info(`screenshots kept in ${dir}`);
      else if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Opens a page with every request recorded and every non-local one aborted. */
    async function guarded(): Promise<{ page: Page; remote: Set<string>; errors: string[] }> {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        deviceScaleFactor: 1,
      });
      const remote = new Set<string>();
      const errors: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (local(url)) return route.continue();
        remote.add(url);
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.on('request', (r) => {
        if (!local(r.url())) remote.add(r.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      return { page, remote, errors };
    }

    /** Writes the report's page to the temp dir, opens it and waits until the client script says it is done. */
    async function open(report: Report, name: string) {
      const g = await guarded();
      const file = join(dir, `${name}.html`);
      writeFileSync(file, renderHtml(report));
      await g.page.goto(pathToFileURL(file).href);
      await g.page.waitForFunction(() => document.documentElement.dataset.charts !== undefined, null, {
        timeout: 20_000,
      });
      const state = await g.page.evaluate(() => document.documentElement.dataset.charts);
      return { ...g, state };
    }

    it('guards the network: a page that loads a remote image is caught', async () => {
      const { page, remote } = await guarded();
      // not waiting for "load": an aborted image may keep it pending
      await page.setContent('<img src="http://192.0.2.1/pixel.png">', { waitUntil: 'commit' });
      await expect.poll(() => [...remote]).toEqual(['http://192.0.2.1/pixel.png']);
      await page.context().close();
    });

    it('draws the charts of the sample with no network request and no console error, and shows them', async () => {
      const { page, remote, errors, state } = await open(loadSample(), 'sample');
      expect([...remote]).toEqual([]);
      expect(errors).toEqual([]);
      expect(state).toBe('ready');

      const want: Record<string, [string, number][]> = {
        // colour, least share of the chart's pixels
        daily: [
          [C.band, 0.02],
          [C.gap, 0.005],
          [C.actual, 0.002],
          [C.forecast, 0.001],
        ],
        breakdown: [[C.bar, 0.05]],
        movers: [
          [C.increase, 0.03],
          [C.decrease, 0.02],
        ],
      };
      const measured: string[] = [];
      for (const [kind, colours] of Object.entries(want)) {
        const plot = page.locator(`[data-chart="${kind}"]`);
        expect(await plot.getAttribute('data-drawn')).toBe('true');
        const box = await plot.locator('canvas').first().boundingBox();
        expect(box?.width ?? 0, `${kind} canvas width`).toBeGreaterThan(250);
        expect(box?.height ?? 0, `${kind} canvas height`).toBeGreaterThan(100);

        const png = await page.locator(`.chart-${kind}`).screenshot({ path: join(dir, `chart-${kind}.png`) });
        const img = decodePng(png);
        const ink = inkShare(img);
        measured.push(`${kind} ${img.width}x${img.height} ink ${(ink * 100).toFixed(1)}%`);
        expect(ink, `${kind}: share of non-white pixels`).toBeGreaterThan(0.04);
        for (const [colour, least] of colours) {
          const share = colourShare(img, colour);
          measured.push(`${colour} ${(share * 100).toFixed(2)}%`);
          expect(share, `${kind}: pixels of ${colour}`).toBeGreaterThan(least);
        }
      }
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      console.info(`chart screenshots: ${measured.join(', ')}`);
      await page.context().close();
    });

    it('keeps hostile labels as text in the browser too', async () => {
      const r = loadSample();
      const evil = '</script><x-evil></x-evil><img src="http://192.0.2.1/x.png">';
      r.by += evil;
      for (const l of r.currencies[0]!.movers) l.key += evil;
      for (const b of r.currencies[0]!.breakdowns) for (const l of b.lines) l.key += evil;
      const { page, remote, errors, state } = await open(r, 'hostile');
      expect(state).toBe('ready');
      expect([...remote]).toEqual([]);
      expect(errors).toEqual([]);
      expect(await page.locator('x-evil').count()).toBe(0);
      await page.context().close();
    });
  },
);
