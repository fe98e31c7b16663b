import { describe, expect, it } from "vitest";
import type { FeatureStoreApp } from "../../src/app.js";
import { DEMO_OPERATIONS } from "../../src/graphql/demo-data.js";
import { GRAPHIQL_ASSETS_PATH, renderOfflineGraphiQL } from "../../src/graphql/graphiql.js";
import { testApp } from "./client.js";

async function graphiqlPage(app: FeatureStoreApp): Promise<string> {
  const response = await app.fetch("http://localhost/graphql", { headers: { accept: "text/html" } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/html");
  return response.text();
}

/** Every URL the page loads: `href` and `src` attributes, and the worker URLs in its script. */
function referencedUrls(html: string): string[] {
  const attributes = [...html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1] ?? "");
  const inScript = [...html.matchAll(/"(\/graphiql\/[^"]*)"/g)].map((m) => m[1] ?? "");
  return [...new Set([...attributes, ...inScript])];
}

function expectedContentType(path: string): string {
  return path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
}

describe("the GraphiQL page", () => {
  it("names no other host: every asset comes from this server", async () => {
    const { app } = await testApp();
    const html = await graphiqlPage(app);
    expect(html).not.toMatch(/https?:/i);
    const urls = referencedUrls(html);
    expect(urls).toEqual(
      expect.arrayContaining([
        `${GRAPHIQL_ASSETS_PATH}/graphiql.css`,
        `${GRAPHIQL_ASSETS_PATH}/yoga-graphiql.js`,
        `${GRAPHIQL_ASSETS_PATH}/editor.worker.js`,
        `${GRAPHIQL_ASSETS_PATH}/json.worker.js`,
        `${GRAPHIQL_ASSETS_PATH}/graphql.worker.js`,
      ]),
    );
    for (const url of urls) {
      // A same-origin path (not protocol-relative "//host"), or the empty inline icon.
      expect(url === "data:," || /^\/(?!\/)/.test(url), url).toBe(true);
    }
  });

  it("keeps yoga's options: title and the example operations", async () => {
    const { app } = await testApp();
    const html = await graphiqlPage(app);
    expect(html).toContain("<title>Feature store</title>");
    const options = /renderYogaGraphiQL\(document\.getElementById\("root"\), (.*)\);<\/script>/.exec(
      html,
    )?.[1];
    expect(options).toBeDefined();
    expect(JSON.parse(options ?? "null")).toEqual({
      title: "Feature store",
      // GraphiQL opens with `query`; it would show its welcome text instead of `defaultQuery`.
      query: DEMO_OPERATIONS,
      defaultQuery: DEMO_OPERATIONS,
      defaultEditorToolsVisibility: false,
    });
  });

  it("cannot be broken out of by a title or a query", () => {
    const html = renderOfflineGraphiQL({
      title: `</title><script>alert("title")</script>`,
      defaultQuery: `# </script><script>alert("query")</script>`,
      headers: JSON.stringify({ note: "<!-- x" }),
    });
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<!--");
    expect(html.match(/<script\b/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    const options = /renderYogaGraphiQL\(document\.getElementById\("root"\), (.*)\);<\/script>/.exec(
      html,
    )?.[1];
    expect(JSON.parse(options ?? "null")).toMatchObject({
      defaultQuery: `# </script><script>alert("query")</script>`,
    });
  });
});

describe("the GraphiQL assets", () => {
  it("serves every asset the page references, with its content type and a long cache lifetime", async () => {
    const { app } = await testApp();
    const assets = referencedUrls(await graphiqlPage(app)).filter((url) => url.startsWith("/graphiql/"));
    expect(assets).toHaveLength(5);
    const bodies = new Set<string>();
    for (const path of assets) {
      const response = await app.fetch(`http://localhost${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toBe(expectedContentType(path));
      expect(response.headers.get("cache-control"), path).toBe("public, max-age=31536000, immutable");
      const body = await response.text();
      expect(Number(response.headers.get("content-length")), path).toBe(Buffer.byteLength(body));
      expect(body.length, path).toBeGreaterThan(10_000);
      bodies.add(body);
    }
    // Five different files, not one file under five names.
    expect(bodies.size).toBe(5);
  });

  it("serves the real GraphiQL files, with nothing fetched from elsewhere by the stylesheet", async () => {
    const { app } = await testApp();
    const script = await (await app.fetch(`http://localhost${GRAPHIQL_ASSETS_PATH}/yoga-graphiql.js`)).text();
    expect(script).toContain("renderYogaGraphiQL");
    const css = await (await app.fetch(`http://localhost${GRAPHIQL_ASSETS_PATH}/graphiql.css`)).text();
    expect(css).toContain(".graphiql-container");
    expect(css).not.toMatch(/@import/);
    const cssUrls = [...css.matchAll(/url\(\s*["']?([^"')\s]*)/g)].map((m) => m[1] ?? "");
    expect(cssUrls.length).toBeGreaterThan(0);
    expect(cssUrls.filter((u) => !u.startsWith("data:"))).toEqual([]);
  });

  it("answers HEAD with the headers and no body", async () => {
    const { app } = await testApp();
    const response = await app.fetch(`http://localhost${GRAPHIQL_ASSETS_PATH}/graphiql.css`, {
      method: "HEAD",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(Number(response.headers.get("content-length"))).toBeGreaterThan(10_000);
    expect(await response.text()).toBe("");
  });

  it("answers 404 for any other path, including files of the package that are not listed", async () => {
    const { app } = await testApp();
    for (const path of [
      "/graphiql/",
      `${GRAPHIQL_ASSETS_PATH}/`,
      `${GRAPHIQL_ASSETS_PATH}/missing.js`,
      `${GRAPHIQL_ASSETS_PATH}/yoga-graphiql.es.js`,
      `${GRAPHIQL_ASSETS_PATH}/yoga-graphiql.umd.js`,
      `${GRAPHIQL_ASSETS_PATH}/monacoeditorwork/editor.worker.bundle.js`,
      `${GRAPHIQL_ASSETS_PATH}/GRAPHIQL.CSS`,
      `${GRAPHIQL_ASSETS_PATH}/graphiql.css/`,
      `${GRAPHIQL_ASSETS_PATH}/toString`,
      `${GRAPHIQL_ASSETS_PATH}/__proto__`,
      "/graphiql/0.0.0/graphiql.css",
    ]) {
      const response = await app.fetch(`http://localhost${path}`);
      expect(response.status, path).toBe(404);
    }
  });

  it("answers 404 to path traversal attempts and never hands out another file", async () => {
    const { app } = await testApp();
    for (const path of [
      `${GRAPHIQL_ASSETS_PATH}/../../package.json`,
      `${GRAPHIQL_ASSETS_PATH}/..%2f..%2fpackage.json`,
      `${GRAPHIQL_ASSETS_PATH}/%2e%2e/%2e%2e/package.json`,
      `${GRAPHIQL_ASSETS_PATH}/%2e%2e%2f%2e%2e%2fpackage.json`,
      `${GRAPHIQL_ASSETS_PATH}/..%5c..%5cpackage.json`,
      `${GRAPHIQL_ASSETS_PATH}/graphiql.css/../../../../../../etc/passwd`,
      `${GRAPHIQL_ASSETS_PATH}/%2fetc%2fpasswd`,
      `${GRAPHIQL_ASSETS_PATH}/monacoeditorwork%2f..%2f..%2fpackage.json`,
      `${GRAPHIQL_ASSETS_PATH}/graphiql.css%00.js`,
    ]) {
      const response = await app.fetch(`http://localhost${path}`);
      expect(response.status, path).toBe(404);
      const body = await response.text();
      expect(body, path).not.toContain('"name"');
      expect(body, path).not.toContain("root:");
    }
  });

  it("are not served when GraphiQL is turned off", async () => {
    const { app: enabled } = await testApp();
    const assets = referencedUrls(await graphiqlPage(enabled)).filter((url) => url.startsWith("/graphiql/"));
    expect(assets).toHaveLength(5);
    const { app } = await testApp({ graphiql: false });
    for (const path of assets) {
      const response = await app.fetch(`http://localhost${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type") ?? "", path).not.toMatch(/javascript|css/);
    }
  });
});
