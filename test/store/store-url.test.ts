import { describe, expect, it } from "vitest";
import type { FeatureStoreError } from "../../src/index.js";
import { parseStoreUrl } from "../../src/store/store-url.js";

const FORMAT = {
  backend: "redis",
  schemes: ["redis", "rediss"],
  example: "redis://host:6379/0?namespace=name",
  params: ["namespace", "historyRetention"] as const,
};

const refused = (url: string): FeatureStoreError => {
  try {
    parseStoreUrl(url, FORMAT);
  } catch (err) {
    return err as FeatureStoreError;
  }
  throw new Error(`accepted ${url}`);
};

describe("store URLs", () => {
  it("takes out the store's own parameters and hands the rest on", () => {
    const { url, params } = parseStoreUrl("rediss://u:pw@h:6380/2?namespace=prod&tls=true", FORMAT);
    expect(url.toString()).toBe("rediss://u:pw@h:6380/2?tls=true");
    expect(params).toEqual({ namespace: "prod", historyRetention: undefined });
  });

  it("refuses a malformed URL without repeating its password", () => {
    const cases: [string, RegExp][] = [
      ["http://user:s3cret@127.0.0.1:6379/0", /starts with redis:\/\/ or rediss:\/\/, not http:\/\//],
      ["redis://user:s3cret@[::1:6379/0", /invalid redis URL: expected redis:\/\//],
      ["redis://user:s3cret@127.0.0.1:6379/0?namespace=a&namespace=b", /"namespace" more than once/],
    ];
    for (const [url, message] of cases) {
      const err = refused(url);
      expect(err.code).toBe("INVALID_CONFIG");
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain("s3cret");
      expect(JSON.stringify(err.details)).not.toContain("s3cret");
    }
  });
});
