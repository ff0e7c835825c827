// The signed-in key lives in sessionStorage only: never in a URL, gone with the tab.
import { signal } from "./state";

export type Scope = "hr" | "manager" | "planner" | "admin";

const KEY = "lps.key";
const SCOPES = "lps.scopes";

function storedScopes(): Scope[] {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(SCOPES) ?? "[]");
    return Array.isArray(parsed) ? (parsed as Scope[]) : [];
  } catch {
    return [];
  }
}

export const signedIn = signal<{ scopes: Scope[]; name: string } | null>(
  sessionStorage.getItem(KEY) ? { scopes: storedScopes(), name: sessionStorage.getItem("lps.name") ?? "" } : null,
);
export const signInNotice = signal<string>("");

export const session = {
  key(): string | null {
    return sessionStorage.getItem(KEY);
  },
  begin(key: string): void {
    sessionStorage.setItem(KEY, key);
  },
  confirm(scopes: Scope[], name: string): void {
    sessionStorage.setItem(SCOPES, JSON.stringify(scopes));
    sessionStorage.setItem("lps.name", name);
    signInNotice.set("");
    signedIn.set({ scopes, name });
  },
  signOut(notice = ""): void {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(SCOPES);
    sessionStorage.removeItem("lps.name");
    signInNotice.set(notice);
    signedIn.set(null);
    window.location.hash = "#/sign-in";
  },
  expire(notice: string): void {
    if (this.key() !== null) this.signOut(notice);
  },
};

export function mayUse(scopes: readonly Scope[], allowed: readonly Scope[]): boolean {
  return scopes.includes("admin") || scopes.some((scope) => allowed.includes(scope));
}
