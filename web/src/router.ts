import { useEffect, useState } from "preact/hooks";

/**
 * The views, addressed by the URL's fragment (`#/features/age`), so the server serves one page
 * at `/` and every view can be bookmarked, reloaded and reached with the back button.
 */
export type Route =
  | { readonly view: "catalog" }
  | { readonly view: "feature"; readonly name: string }
  | { readonly view: "group"; readonly name: string }
  | {
      readonly view: "entity";
      readonly id: string;
      readonly group: string | undefined;
      readonly asOf: string | undefined;
      readonly feature: string | undefined;
    }
  | { readonly view: "not-found"; readonly path: string };

/** The route a fragment names. */
export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?", 2);
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [section, name] = parts;
  if (parts.length === 0) return { view: "catalog" };
  if (section === "features" && name && parts.length === 2) return { view: "feature", name };
  if (section === "groups" && name && parts.length === 2) return { view: "group", name };
  if (section === "entities" && parts.length <= 2) {
    return {
      view: "entity",
      id: name ?? "",
      group: params.get("group") || undefined,
      asOf: params.get("asOf") || undefined,
      feature: params.get("feature") || undefined,
    };
  }
  return { view: "not-found", path };
}

/** The fragment of a route: the inverse of {@link parseRoute}. */
export function href(route: Route): string {
  switch (route.view) {
    case "catalog":
      return "#/";
    case "feature":
      return `#/features/${encodeURIComponent(route.name)}`;
    case "group":
      return `#/groups/${encodeURIComponent(route.name)}`;
    case "entity": {
      const params = new URLSearchParams();
      if (route.group) params.set("group", route.group);
      if (route.asOf) params.set("asOf", route.asOf);
      if (route.feature) params.set("feature", route.feature);
      const query = params.toString();
      return `#/entities${route.id ? `/${encodeURIComponent(route.id)}` : ""}${query ? `?${query}` : ""}`;
    }
    case "not-found":
      return `#${route.path}`;
  }
}

/** Goes to a route, as a link would. */
export function navigate(route: Route): void {
  location.hash = href(route);
}

/** The current route, kept in step with the address bar. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}
