/**
 * Headless Chromium (Debian's, at /usr/bin/chromium) for the browser tests, with every
 * request, console message and page error recorded, and any request that would leave our
 * server blocked and counted. A missing browser fails: it is never a skip.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../../scripts/headless-chromium.js";

/** The two screens every view is checked and photographed at. */
export const VIEWPORTS = {
  desktop: { width: 1400, height: 900 },
  phone: { width: 390, height: 844 },
} as const;

/** What a page did that a test should know: requests, where they went, and what went wrong. */
export interface PageRecord {
  /** Every request's URL, in order. */
  readonly requests: string[];
  /** Requests to another origin (blocked), console errors, page errors, HTTP errors. */
  readonly problems: string[];
  /** Encoded (on the wire) bytes of each JavaScript response. */
  readonly scriptBytes: Map<string, number>;
}

/** A browser with one fresh profile, and pages that record what they do. */
export class TestBrowser {
  private constructor(
    readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  /** Starts Chromium headless with a fresh profile; fails when the browser is not installed. */
  static async start(): Promise<TestBrowser> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium)`);
    }
    const profile = mkdtempSync(join(tmpdir(), "featurestore-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: VIEWPORTS.desktop,
      timeout: 60_000,
    });
    return new TestBrowser(context, profile);
  }

  /**
   * A new page that records its requests and problems. Requests to any origin but `origin`
   * are blocked and recorded as problems.
   */
  async page(origin: string, viewport: { width: number; height: number }): Promise<[Page, PageRecord]> {
    const page = await this.context.newPage();
    await page.setViewportSize(viewport);
    const record: PageRecord = { requests: [], problems: [], scriptBytes: new Map() };
    await page.route("**/*", (route) => {
      const url = route.request().url();
      record.requests.push(url);
      if (url.startsWith(`${origin}/`)) return route.continue();
      record.problems.push(`request to another origin: ${url}`);
      return route.abort("blockedbyclient");
    });
    page.on("console", (message) => {
      if (message.type() === "error") record.problems.push(`console error: ${message.text()}`);
    });
    page.on("pageerror", (err) => record.problems.push(`page error: ${err.message}`));
    page.on("response", async (response) => {
      if (response.status() >= 400) record.problems.push(`HTTP ${response.status()}: ${response.url()}`);
      if (response.request().resourceType() === "script") {
        const sizes = await response.request().sizes();
        record.scriptBytes.set(response.url(), sizes.responseBodySize);
      }
    });
    return [page, record];
  }

  /** Closes the browser and deletes its profile. */
  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** Where the browser tests save their screenshots: test-artifacts/explorer/ (gitignored). */
export function artifactsDir(): string {
  const dir = join(new URL("../..", import.meta.url).pathname, "test-artifacts", "explorer");
  mkdirSync(dir, { recursive: true });
  return dir;
}
