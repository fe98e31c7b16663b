/**
 * Opens GraphiQL in a real browser and runs an example operation, as a person would, to show
 * that the page works with no internet access: every file it loads comes from our server.
 *
 * Starts the server on a free port over an in-memory store with the demo data, opens
 * `/graphql` in headless Chromium, waits for the editor to show the example operations, runs
 * `UserVector` (Ctrl+Enter with the cursor in it), and waits for the result pane to show
 * user-1's values. Any request to another origin, failed request, HTTP error, page error or
 * console error fails the check (exit 1). A screenshot is saved either way.
 *
 * Needs Debian's Chromium at /usr/bin/chromium (`apt-get install -y chromium`); it is not part
 * of `npm test`.
 *
 * Usage: `npm run check:graphiql -- [screenshot.png]` (default /tmp/graphiql.png)
 */
import { type Browser, chromium, type Locator } from "playwright-core";
import { type RunningServer, startServer } from "../src/server.js";
import { readServerConfig } from "../src/server-config.js";
import { CHROMIUM, CHROMIUM_ARGS } from "./headless-chromium.js";

const screenshotPath = process.argv[2] ?? "/tmp/graphiql.png";
/** Long enough for a cold start on a busy 2-core machine; a healthy run takes a few seconds. */
const STEP_TIMEOUT_MS = 60_000;

/** What the demo data set holds for user-1 (see src/graphql/demo-data.ts). */
const EXPECTED_VALUES = { age: 31, country: "FR", clicks_7d: 15, is_premium: true };
const WORKER_FILES = ["editor.worker.js", "json.worker.js", "graphql.worker.js"];

/** The text an editor shows. Monaco draws each line as its own element, and spaces as no-break spaces. */
async function shownText(lines: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: only the rendered text keeps the line breaks between Monaco's lines
  const text = await lines.innerText();
  return text.replace(/\u00a0/g, " ");
}

function fail(message: string): never {
  throw new Error(message);
}

async function check(server: RunningServer, browser: Browser): Promise<string[]> {
  const origin = new URL(server.url).origin;
  const problems: string[] = [];
  const workers: string[] = [];

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  // Anything that leaves this server is a failure even where the network would let it through.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`)) return route.continue();
    problems.push(`request to another origin: ${url}`);
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("worker", (w) => workers.push(w.url()));

  try {
    await page.goto(server.url, { waitUntil: "load", timeout: STEP_TIMEOUT_MS });

    const queryLines = page.locator(".graphiql-query-editor .view-lines");
    await queryLines.filter({ hasText: "query UserVector" }).waitFor({ timeout: STEP_TIMEOUT_MS });
    const shown = await shownText(queryLines);
    for (const name of ["query UserVector", "query ManyUsers", "query GroupsForOneUser"]) {
      if (!shown.includes(name)) fail(`the editor does not show ${name}:\n${shown}`);
    }

    // The document holds several operations: the one under the cursor is the one that runs.
    const answered = page.waitForResponse(
      (r) =>
        r.url() === server.url &&
        r.request().method() === "POST" &&
        (JSON.parse(r.request().postData() ?? "{}") as { operationName?: string }).operationName ===
          "UserVector",
      { timeout: STEP_TIMEOUT_MS },
    );
    await page
      .locator(".graphiql-query-editor .view-line", { hasText: "query UserVector" })
      .click({ timeout: STEP_TIMEOUT_MS });
    await page.keyboard.press("Control+Enter");
    const response = await answered;
    const body = (await response.json()) as {
      data?: { vector?: { entityId?: string; values?: unknown } };
      errors?: unknown;
    };
    if (body.errors !== undefined || body.data?.vector?.entityId !== "user-1") {
      fail(`unexpected answer: ${JSON.stringify(body)}`);
    }
    if (JSON.stringify(body.data.vector.values) !== JSON.stringify(EXPECTED_VALUES)) {
      fail(`unexpected values: ${JSON.stringify(body.data.vector.values)}`);
    }

    const result = page.locator(".graphiql-response .view-lines");
    await result.filter({ hasText: '"country": "FR"' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    const resultText = await shownText(result);
    for (const expected of ['"entityId": "user-1"', '"age": 31', '"clicks_7d": 15', '"is_premium": true']) {
      if (!resultText.includes(expected)) fail(`the result pane does not show ${expected}:\n${resultText}`);
    }
    console.log(`GraphiQL ran UserVector and shows:\n${resultText}`);

    // The GraphQL language worker starts once the schema has arrived, which may be after the answer.
    const started = (file: string) => workers.some((url) => url.endsWith(`/${file}`));
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    while (!WORKER_FILES.every(started) && Date.now() < deadline) await page.waitForTimeout(100);
    for (const file of WORKER_FILES) {
      if (!started(file)) {
        problems.push(`editor worker ${file} did not start (started: ${workers.join(", ") || "none"})`);
      }
    }
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  } finally {
    await page.screenshot({ path: screenshotPath }).catch((err: unknown) => {
      problems.push(`screenshot failed: ${String(err)}`);
    });
    await context.close();
  }
  return problems;
}

const server = await startServer(
  readServerConfig({}, ["--port", "0", "--store-url", "memory://", "--demo-data", "--graphiql"]),
);
let problems: string[];
try {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
  });
  try {
    problems = await check(server, browser);
  } finally {
    await browser.close();
  }
} finally {
  await server.stop();
}

console.log(`screenshot: ${screenshotPath}`);
if (problems.length > 0) {
  console.error(`GraphiQL check failed:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log("GraphiQL check passed: every file came from this server, and the example operation ran");
