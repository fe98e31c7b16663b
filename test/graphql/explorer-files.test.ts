/**
 * The feature explorer's files over HTTP: what `useExplorer` serves, with which headers, and
 * what it leaves to the other routes. The build is the one test/build-once.ts made.
 */
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { FeatureStoreApp } from "../../src/app.js";
import { readExplorerBuild } from "../../src/graphql/explorer.js";
import { testApp } from "./client.js";

const build = await readExplorerBuild();

async function page(app: FeatureStoreApp, headers: Record<string, string> = {}): Promise<Response> {
  return app.fetch("http://localhost/", { headers });
}

/** The asset URLs the page names (`src` and `href` under /explorer/assets/). */
function assetUrls(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/explorer\/assets\/[^"]+)"/g)].map((m) => m[1] ?? "");
}

describe("the explorer's page at /", () => {
  it("is built", () => {
    expect(build, "dist/explorer/ is missing: npm run build").toBeDefined();
  });

  it("is HTML that loads only files of this server, revalidated on every visit", async () => {
    const { app } = await testApp();
    const response = await page(app);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(response.headers.get("content-security-policy")).toContain("connect-src 'self'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//);
    const urls = assetUrls(html);
    expect(urls.some((u) => u.endsWith(".js"))).toBe(true);
    expect(urls.some((u) => u.endsWith(".css"))).toBe(true);
  });

  it("answers 304 to a request that holds the current version", async () => {
    const { app } = await testApp();
    const etag = (await page(app)).headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await page(app, { "if-none-match": etag ?? "" });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("needs no token: the page is static, its GraphQL requests carry the token", async () => {
    const { app } = await testApp({ auth: { readToken: "read-secret", writeToken: "write-secret" } });
    expect((await page(app)).status).toBe(200);
    const query = await app.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ features { name } }" }),
    });
    expect(query.status).toBe(401);
  });

  it("is not served when the explorer is off: / is then a coded 404", async () => {
    const { app } = await testApp({ explorer: false });
    const response = await page(app);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: "NOT_FOUND" } }] });
  });
});

describe("the explorer's files", () => {
  it("are served gzipped to a browser, with their type, for a year", async () => {
    const { app } = await testApp();
    const urls = assetUrls(await (await page(app)).text());
    for (const url of urls) {
      const response = await app.fetch(`http://localhost${url}`, {
        headers: { "accept-encoding": "gzip, br" },
      });
      expect(response.status, url).toBe(200);
      expect(response.headers.get("content-type"), url).toBe(
        url.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8",
      );
      expect(response.headers.get("cache-control"), url).toBe("public, max-age=31536000, immutable");
      expect(response.headers.get("content-encoding"), url).toBe("gzip");
      expect(response.headers.get("vary"), url).toBe("accept-encoding");
      const gzipped = new Uint8Array(await response.arrayBuffer());
      expect(String(gzipped.byteLength)).toBe(response.headers.get("content-length"));
      const plain = await app.fetch(`http://localhost${url}`);
      expect(plain.headers.get("content-encoding")).toBeNull();
      expect(gunzipSync(gzipped).equals(Buffer.from(await plain.arrayBuffer()))).toBe(true);
    }
  });

  it("are the build's files only: any other name is a coded 404, never a file read from the path", async () => {
    const { app } = await testApp();
    for (const path of [
      "/explorer/assets/nope.js",
      "/explorer/assets/../index.html",
      "/explorer/assets/%2e%2e%2findex.html",
      "/explorer/index.html",
      "/explorer/",
      "/index.html",
      "/explorer/assets/",
    ]) {
      const response = await app.fetch(`http://localhost${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json(), path).toMatchObject({ errors: [{ extensions: { code: "NOT_FOUND" } }] });
    }
  });

  it("leave GraphQL, GraphiQL and unknown paths as they were", async () => {
    const { app } = await testApp();
    const graphiql = await app.fetch("http://localhost/graphql", { headers: { accept: "text/html" } });
    const html = await graphiql.text();
    expect(html).toContain('id="feature-explorer-link" href="/"');
    const post = await app.fetch("http://localhost/", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ features { name } }" }),
    });
    expect(post.status).toBe(404);
    expect((await app.fetch("http://localhost/nope")).status).toBe(404);
  });
});
