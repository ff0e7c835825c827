// Routes live in the URL's fragment (#/gaps?locality=riverside), so the gateway
// serves one document at / and every view can be linked to and reloaded.
import { useEffect, useState } from "preact/hooks";

export interface Route {
  page: string;
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const raw = window.location.hash.replace(/^#\/?/, "");
  const [page = "", query = ""] = raw.split("?", 2);
  return { page, params: new URLSearchParams(query) };
}

export function href(page: string, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== "")).toString();
  return `#/${page}${query ? `?${query}` : ""}`;
}

export function navigate(page: string, params: Record<string, string> = {}): void {
  window.location.hash = href(page, params);
}

/** Updates the fragment's parameters without adding a history entry per keystroke. */
export function replaceParams(params: Record<string, string>): void {
  const { page } = currentRoute();
  history.replaceState(null, "", href(page, params));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}
