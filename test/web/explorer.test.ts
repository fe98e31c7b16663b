/**
 * The feature explorer in a real browser (headless Chromium) over the demo data set: every
 * view driven as a person would, checked against what the API answers, at a desktop and a
 * phone size. Every request must stay on our server, and no page may log an error. Each view
 * is photographed at both sizes into test-artifacts/explorer/. It prints the time to the
 * catalog's first render and the JavaScript bytes transferred.
 */
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server.js";
import { readServerConfig } from "../../src/server-config.js";
import { artifactsDir, type PageRecord, TestBrowser, VIEWPORTS } from "./browser.js";

let server: RunningServer;
let origin: string;
let browser: TestBrowser;
const records: PageRecord[] = [];
const shots = artifactsDir();

beforeAll(async () => {
  // The server as `npm start` runs it, with the demo data, over an in-memory store.
  server = await startServer(readServerConfig({ PORT: "0", FEATURESTORE_URL: "memory://" }, []));
  origin = new URL(server.url).origin;
  browser = await TestBrowser.start();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Runs a query against the API, as the explorer does, and returns its data. */
async function api<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

async function open(
  path: string,
  viewport: { width: number; height: number } = VIEWPORTS.desktop,
): Promise<Page> {
  const [page, record] = await browser.page(origin, viewport);
  records.push(record);
  await page.goto(`${origin}/${path}`, { waitUntil: "load" });
  return page;
}

/** Saves a full-page screenshot as test-artifacts/explorer/<name>-<size>.png. */
async function shoot(page: Page, name: string, size: keyof typeof VIEWPORTS): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}-${size}.png`), fullPage: true });
}

/**
 * How many pixels of a chart's canvas are in the series' colour (#2f5fd0): axes and grid are
 * grey, so only drawn data counts.
 */
async function seriesPixels(chart: Locator): Promise<number> {
  return chart
    .locator("canvas")
    .first()
    .evaluate((canvas: HTMLCanvasElement) => {
      const context = canvas.getContext("2d");
      if (!context) return 0;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r = 0, g = 0, b = 0, a = 0] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        if (a > 100 && Math.abs(r - 47) < 40 && Math.abs(g - 95) < 40 && Math.abs(b - 208) < 40) count++;
      }
      return count;
    });
}

/** The text of a vector table's cell. */
function cell(page: Page, feature: string, label: string) {
  return page.locator(`tr[data-feature="${feature}"] [data-label="${label}"]`);
}

interface Definition {
  name: string;
  featureType: string;
  tags: string[];
}

interface Coverage {
  live: number;
  defaultShare: number | null;
}

/** The explorer's number formats (web/src/format.ts), to compare what it shows with the API. */
const count = new Intl.NumberFormat("en");
const share = new Intl.NumberFormat("en", { style: "percent", maximumFractionDigits: 1 });
const decimal = new Intl.NumberFormat("en", { maximumFractionDigits: 4 });

describe("the feature explorer in a browser", { timeout: 120_000 }, () => {
  it("shows the catalog at /: every feature, searchable and filtered, quickly", async () => {
    const { features } = await api<{ features: (Definition & { coverage: Coverage })[] }>(
      "{ features { name featureType tags coverage { live defaultShare } } }",
    );
    const [page, record] = await browser.page(origin, VIEWPORTS.desktop);
    records.push(record);
    await page.goto(`${origin}/`, { waitUntil: "commit" });
    // Measured in the page: from navigation start to the first catalog row on screen.
    const firstRenderMs = Number(
      await (
        await page.waitForFunction(
          () => (document.querySelector(".catalog-table tbody tr") ? performance.now() : false),
          undefined,
          { polling: "raf", timeout: 60_000 },
        )
      ).jsonValue(),
    );
    await page.waitForLoadState("load");
    const rows = page.locator(".catalog-table tbody tr");
    expect(await rows.count()).toBe(features.length);
    expect(features.length).toBeGreaterThanOrEqual(14);
    for (const feature of features) {
      const row = page.locator(`.catalog-table tr[data-feature="${feature.name}"]`);
      await expect
        .poll(() => row.locator('[data-label="Type"]').textContent())
        .toContain(feature.featureType);
      expect(await row.locator('[data-coverage="live"]').textContent(), feature.name).toBe(
        count.format(feature.coverage.live),
      );
      expect(await row.locator('[data-coverage="default-share"]').textContent(), feature.name).toBe(
        feature.coverage.defaultShare === null ? "–" : share.format(feature.coverage.defaultShare),
      );
    }
    // The stale feature shows as served by default everywhere; the demo crowd is a few hundred.
    expect(features.find((f) => f.name === "churn_score")?.coverage.defaultShare).toBe(1);
    expect(features.find((f) => f.name === "age")?.coverage.live).toBeGreaterThanOrEqual(250);
    // Every value type of the demo has a feature.
    const types = new Set(features.map((f) => f.featureType));
    expect([...types].sort()).toEqual([
      "BOOLEAN",
      "CATEGORICAL",
      "EMBEDDING",
      "NUMERIC",
      "TEXT",
      "TIMESTAMP",
    ]);

    await page.getByLabel("Search by name").fill("click");
    expect(await rows.allTextContents()).toHaveLength(
      features.filter((f) => f.name.includes("click")).length,
    );
    await page.getByLabel("Search by name").fill("");
    await page.getByLabel("Tag", { exact: true }).selectOption("item");
    expect(await rows.count()).toBe(features.filter((f) => f.tags.includes("item")).length);
    await page.getByLabel("Tag", { exact: true }).selectOption("");
    await page.getByLabel("Type", { exact: true }).selectOption("EMBEDDING");
    expect(await rows.count()).toBe(features.filter((f) => f.featureType === "EMBEDDING").length);
    await page.getByLabel("Type", { exact: true }).selectOption("");

    const scripts = [...record.scriptBytes.values()];
    const jsBytes = scripts.reduce((sum, n) => sum + n, 0);
    expect(scripts.length).toBeGreaterThan(0);
    console.log(
      `explorer: catalog's first render ${Math.round(firstRenderMs)} ms after navigation; ` +
        `JavaScript transferred ${jsBytes} bytes (gzip) in ${scripts.length} file(s)`,
    );
    await page.close();
  });

  it("moves with the keyboard, with a visible focus", async () => {
    const page = await open("");
    await page.locator(".catalog-table tbody tr").first().waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement;
      return { tag: element.tagName, shadow: getComputedStyle(element).boxShadow };
    });
    expect(focused.tag).toBe("INPUT");
    expect(focused.shadow).not.toBe("none");
    // Enter on a focused feature link opens its page.
    await page.locator('.catalog-table a[href="#/features/age"]').focus();
    await page.keyboard.press("Enter");
    await page.locator("h1", { hasText: "age" }).waitFor();
    expect(page.url()).toBe(`${origin}/#/features/age`);
    await page.close();
  });

  it("shows an entity's vector with versions, ages, TTL states and defaults, as the API reads it", async () => {
    const { features } = await api<{ features: Definition[] }>("{ features { name featureType tags } }");
    const names = features.map((f) => f.name);
    const { vector } = await api<{
      vector: {
        features: { featureName: string; value: unknown; version: number | null; usedDefault: boolean }[];
      };
    }>(
      'query($names: [String!]!) { vector(entityId: "user-42", featureNames: $names) { features { featureName value version usedDefault } } }',
      { names },
    );
    const page = await open("#/entities/user-42");
    await page.locator("table.vector-table tbody tr").first().waitFor();
    expect(await page.locator("table.vector-table tbody tr").count()).toBe(names.length);
    for (const entry of vector.features) {
      expect(await cell(page, entry.featureName, "Version").textContent(), entry.featureName).toBe(
        entry.version === null ? "–" : String(entry.version),
      );
      const defaultBadge = cell(page, entry.featureName, "Value").locator(".badge-default");
      expect(await defaultBadge.count(), entry.featureName).toBe(entry.usedDefault ? 1 : 0);
      if (typeof entry.value === "string") {
        expect(await cell(page, entry.featureName, "Value").locator(".value").textContent()).toBe(
          entry.value === "" ? '""' : entry.value,
        );
      }
    }
    // churn_score's job stopped ten days ago: past its 3-day TTL, served the default.
    await expect.poll(() => cell(page, "churn_score", "TTL state").textContent()).toContain("expired");
    await page.close();
    // An empty text (last_search's default, which user-1 is served) shows as "", not as nothing.
    const empty = await api<{ vector: { values: { last_search: unknown } } }>(
      '{ vector(entityId: "user-1", featureNames: ["last_search"]) { values } }',
    );
    expect(empty.vector.values.last_search).toBe("");
    const user1 = await open("#/entities/user-1");
    await user1.locator("table.vector-table tbody tr").first().waitFor();
    expect(await cell(user1, "last_search", "Value").locator(".value").textContent()).toBe('""');
    await user1.close();
  });

  it("charts a number's history and lists another type's as a timeline", async () => {
    const { history } = await api<{ history: unknown[] }>(
      '{ history(featureName: "clicks_7d", entityId: "user-42") { version } }',
    );
    const page = await open("#/entities/user-42");
    await page.locator('tr[data-feature="clicks_7d"] a').click();
    const chart = page.locator(".history-panel .chart-canvas");
    await chart.waitFor();
    expect(Number(await chart.getAttribute("data-points"))).toBe(history.length);
    expect(history.length).toBeGreaterThan(4);
    expect(await seriesPixels(page.locator(".history-panel .chart-canvas"))).toBeGreaterThan(50);
    await shoot(page, "entity-history-chart", "desktop");

    const { history: categories } = await api<{ history: unknown[] }>(
      '{ history(featureName: "country", entityId: "user-1") { version } }',
    );
    await page.goto(`${origin}/#/entities/user-1?feature=country`);
    await page.locator(".history-panel .timeline li").first().waitFor();
    expect(await page.locator(".history-panel .timeline li").count()).toBe(categories.length);
    await page.close();
  });

  it("reads a long history a page at a time, newest first", async () => {
    const records = Array.from({ length: 205 }, (_, i) => ({ id: "long-history", clicks_7d: i }));
    await api(
      'mutation($records: [JSON!]!) { ingestBatch(records: $records, entityIdField: "id") { processed } }',
      {
        records,
      },
    );
    const page = await open("#/entities/long-history?feature=clicks_7d");
    const chart = page.locator(".history-panel .chart-canvas");
    await chart.waitFor();
    expect(Number(await chart.getAttribute("data-points"))).toBe(200);
    expect(await page.locator(".history-panel .timeline li .value").first().textContent()).toBe("204");
    await page.getByRole("button", { name: "Load 200 earlier values" }).click();
    await expect.poll(async () => Number(await chart.getAttribute("data-points"))).toBe(205);
    expect(await page.locator(".history-more").textContent()).toContain("205 values: the whole history");
    await page.close();
  });

  it("re-reads the whole vector as of a past instant with the as-of control", async () => {
    const page = await open("#/entities/user-1");
    await cell(page, "age", "Value").waitFor();
    expect(await cell(page, "age", "Value").locator(".value").textContent()).toBe("31");
    // user-1's profile was written six days before the demo was loaded: eight days ago it had none.
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    const local = await page.evaluate((iso) => {
      const date = new Date(iso);
      return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    }, eightDaysAgo.toISOString());
    await page.getByLabel("As of").fill(local);
    await page.getByRole("button", { name: "Look up" }).click();
    await expect.poll(() => cell(page, "age", "Value").locator(".badge-default").count()).toBe(1);
    expect(await cell(page, "age", "Value").locator(".value").textContent()).toBe("0");
    expect(await cell(page, "country", "Value").locator(".value").textContent()).toBe("unknown");
    expect(await page.locator("[data-live]").getAttribute("data-live")).toBe("paused");
    await shoot(page, "entity-as-of", "desktop");
    await page.getByRole("button", { name: "Back to now" }).click();
    await expect.poll(() => cell(page, "age", "Value").locator(".value").textContent()).toBe("31");
    await page.close();
  });

  it("shows a write to an open entity page as it happens", async () => {
    const page = await open("#/entities/user-1");
    await cell(page, "clicks_7d", "Value").waitFor();
    await page.locator('[data-live="open"]').waitFor();
    const write = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: 'mutation { ingest(entityId: "user-1", features: { clicks_7d: 777 }) { entityId } }',
      }),
    });
    expect(write.status).toBe(200);
    await expect.poll(() => cell(page, "clicks_7d", "Value").locator(".value").textContent()).toBe("777");
    expect(await page.locator('tr[data-feature="clicks_7d"]').getAttribute("class")).toContain("is-live");
    expect(await page.locator(".change-log").textContent()).toContain("clicks_7d");
    await shoot(page, "entity-live", "desktop");
    await page.close();
  });

  it("shows a number's statistics and histogram, as the API computes them", async () => {
    const { featureStatistics: stats } = await api<{
      featureStatistics: {
        live: number;
        numbers: {
          count: number;
          min: number;
          max: number;
          mean: number;
          stddev: number;
          histogram: unknown[];
        };
        writes: unknown[];
      };
    }>(
      '{ featureStatistics(featureName: "age", bins: 20, topValues: 10, writeBuckets: 36) { live numbers { count min max mean stddev histogram { count } } writes { values } } }',
    );
    const page = await open("#/features/age");
    const summary = page.locator(".number-summary");
    await summary.waitFor();
    for (const key of ["min", "max", "mean", "stddev"] as const) {
      expect(await summary.locator(`[data-stat="${key}"]`).textContent(), key).toBe(
        decimal.format(stats.numbers[key]),
      );
    }
    expect(await summary.locator('[data-stat="count"]').textContent()).toBe(
      count.format(stats.numbers.count),
    );
    expect(await page.locator('[data-testid="coverage"]').textContent()).toContain(count.format(stats.live));
    const charts = page.locator(".chart-canvas");
    await expect.poll(() => charts.count()).toBe(2);
    expect(Number(await charts.nth(0).getAttribute("data-points"))).toBe(stats.numbers.histogram.length);
    expect(Number(await charts.nth(1).getAttribute("data-points"))).toBe(stats.writes.length);
    expect(await seriesPixels(page.locator(".number-summary .chart-canvas"))).toBeGreaterThan(500);
    expect(await seriesPixels(page.locator(".chart-canvas").nth(1))).toBeGreaterThan(100);
    await page.close();
  });

  it("shows a category's most frequent values, and an embedding's norms", async () => {
    const { featureStatistics: country } = await api<{
      featureStatistics: { topValues: { value: string; count: number }[] };
    }>('{ featureStatistics(featureName: "country") { topValues { value count } } }');
    const page = await open("#/features/country");
    await page.locator(".top-values li").first().waitFor();
    const shown = await page
      .locator(".top-values li")
      .evaluateAll((items) =>
        items.map((li) => [li.querySelector(".value")?.textContent, li.querySelector(".count")?.textContent]),
      );
    expect(shown).toEqual(country.topValues.map((t) => [t.value, count.format(t.count)]));
    expect(shown.length).toBeGreaterThan(5);

    const { featureStatistics: embedding } = await api<{
      featureStatistics: { dimension: number; numbers: { count: number; mean: number } };
    }>('{ featureStatistics(featureName: "item_embedding") { dimension numbers { count mean } } }');
    await page.goto(`${origin}/#/features/item_embedding`);
    const summary = page.locator(".number-summary");
    await summary.locator("h3", { hasText: "Norms of the embeddings" }).waitFor();
    expect(await summary.locator('[data-stat="mean"]').textContent()).toBe(
      decimal.format(embedding.numbers.mean),
    );
    expect(await page.locator('[data-testid="coverage"]').textContent()).toContain(
      `Dimension${embedding.dimension}`,
    );
    expect(await seriesPixels(page.locator(".number-summary .chart-canvas"))).toBeGreaterThan(500);
    await page.close();
  });

  it("pages through a group's entities x features table, with the values a vector read serves", async () => {
    interface Page {
      entities: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string } };
    }
    const pageQuery =
      'query($after: String) { entities(groupName: "user_activity", first: 20, after: $after) { edges { node { id } } pageInfo { endCursor } } }';
    const first = await api<Page>(pageQuery);
    const second = await api<Page>(pageQuery, { after: first.entities.pageInfo.endCursor });
    const ids = first.entities.edges.map((e) => e.node.id);
    const { vectors } = await api<{
      vectors: {
        entityId: string;
        features: { featureName: string; value: unknown; usedDefault: boolean }[];
      }[];
    }>(
      'query($ids: [ID!]!) { vectors(entityIds: $ids, featureNames: ["clicks_7d", "sessions_30d", "avg_session_minutes", "recent_categories"]) { entityId features { featureName value usedDefault } } }',
      { ids },
    );
    const page = await open("#/groups/user_activity");
    const rows = page.locator(".entity-table tbody tr");
    await rows.first().waitFor();
    expect(await rows.locator("th").allTextContents()).toEqual(ids);
    for (const vector of vectors) {
      for (const entry of vector.features) {
        const td = page.locator(
          `tr[data-entity="${vector.entityId}"] td[data-feature="${entry.featureName}"]`,
        );
        const expected =
          typeof entry.value === "number" ? decimal.format(entry.value) : JSON.stringify(entry.value);
        expect(
          await td.evaluate((e) => e.firstChild?.textContent),
          `${vector.entityId} ${entry.featureName}`,
        ).toBe(expected);
        expect(await td.getAttribute("class"), `${vector.entityId} ${entry.featureName}`).toBe(
          entry.usedDefault ? "is-default" : null,
        );
      }
    }
    // Some users went quiet: their clicks_7d is past its TTL and served the default, marked.
    expect(vectors.some((v) => v.features.some((f) => f.usedDefault))).toBe(true);
    await page.getByRole("button", { name: "Next" }).click();
    await expect.poll(() => rows.locator("th").first().textContent()).toBe(second.entities.edges[0]?.node.id);
    expect(await page.locator(".pager").textContent()).toContain("Page 2");
    await page.getByRole("button", { name: "Previous" }).click();
    await expect.poll(() => rows.locator("th").first().textContent()).toBe(ids[0]);
    await page.close();
  });

  it("shows a group's features", async () => {
    const { group } = await api<{ group: { featureNames: string[] } }>(
      '{ group(name: "user_activity") { featureNames } }',
    );
    const page = await open("#/groups/user_activity");
    await page.locator(".group-features tbody tr").first().waitFor();
    expect(await page.locator(".group-features tbody th").allTextContents()).toEqual(group.featureNames);
    await page.close();
  });

  it("links to GraphiQL from every view, and GraphiQL links back", async () => {
    for (const path of ["", "#/features/age", "#/groups/item", "#/entities/user-1"]) {
      const page = await open(path);
      await page.locator("main h1").waitFor();
      expect(await page.locator('header a[href="/graphql"]').textContent(), path).toContain("GraphiQL");
      await page.close();
    }
    const graphiql = await fetch(server.url, { headers: { accept: "text/html" } });
    expect(await graphiql.text()).toContain('<a id="feature-explorer-link" href="/"');
  });

  it("fits a desktop and a phone screen: every view photographed at both sizes", async () => {
    const views: [string, string, string][] = [
      ["catalog", "", ".catalog-table tbody tr"],
      ["feature-number", "#/features/clicks_7d", ".number-summary .chart-canvas canvas"],
      ["feature-category", "#/features/country", ".top-values li"],
      ["feature-embedding", "#/features/item_embedding", ".number-summary .chart-canvas canvas"],
      ["group", "#/groups/user_activity", ".entity-table tbody tr"],
      ["entity", "#/entities/user-1?feature=clicks_7d", ".history-panel .chart-canvas canvas"],
      ["entity-lookup", "#/entities", ".state-empty"],
      ["not-found", "#/nowhere", ".state-empty"],
    ];
    for (const [size, viewport] of Object.entries(VIEWPORTS) as [
      keyof typeof VIEWPORTS,
      { width: number },
    ][]) {
      for (const [name, path, ready] of views) {
        const page = await open(path, VIEWPORTS[size]);
        await page.locator(ready).first().waitFor();
        // Nothing wider than the screen: wide tables scroll inside their own box.
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${name} at ${size}`).toBeLessThanOrEqual(viewport.width);
        await shoot(page, name, size);
        await page.close();
      }
    }
  });

  it("asks for the token of a server with a read token, and sends it with every request", async () => {
    const guarded = await startServer(
      readServerConfig(
        { PORT: "0", FEATURESTORE_URL: "memory://", FEATURESTORE_READ_TOKEN: "read-secret" },
        [],
      ),
    );
    try {
      const guardedOrigin = new URL(guarded.url).origin;
      const [page, record] = await browser.page(guardedOrigin, VIEWPORTS.desktop);
      await page.goto(`${guardedOrigin}/`);
      await page.locator(".state-error", { hasText: "needs an API token" }).waitFor();
      await shoot(page, "token-needed", "desktop");
      await page.locator("main").getByLabel("API token").fill("read-secret");
      await page.locator("main").getByRole("button", { name: "Use token" }).click();
      await page.locator(".catalog-table tbody tr").first().waitFor();
      // The refusal before the token was given (which Chromium also logs) is the one expected problem.
      const refused = (p: string) => p.startsWith("HTTP 401") || p.includes("status of 401 (Unauthorized)");
      expect(record.problems.filter((p) => !refused(p))).toEqual([]);
      expect(record.problems.filter(refused).length).toBeGreaterThan(0);
      expect(await page.evaluate(() => sessionStorage.getItem("featurestore.explorer.token"))).toBe(
        "read-secret",
      );
      await page.close();
    } finally {
      await guarded.stop();
    }
  });

  it("asked nothing of any other server, and logged no error", () => {
    expect(records.length).toBeGreaterThan(5);
    expect(records.flatMap((r) => r.requests).length).toBeGreaterThan(20);
    expect(records.flatMap((r) => r.problems)).toEqual([]);
  });
});
