// Names for the ids the API answers with, fetched once per session and shared.
import { useEffect, useState } from "preact/hooks";
import { api, ok, type Schemas } from "./api/client";

const people = new Map<string, Promise<Schemas["Person"] | null>>();
let roles: Promise<Schemas["Role"][]> | null = null;
let outcomes: Promise<Schemas["Outcome"][]> | null = null;

export function person(id: string): Promise<Schemas["Person"] | null> {
  let found = people.get(id);
  if (!found) {
    found = ok(api.GET("/v1/people/{person_id}", { params: { path: { person_id: id } } })).catch(() => null);
    people.set(id, found);
  }
  return found;
}

export function allRoles(): Promise<Schemas["Role"][]> {
  roles ??= ok(api.GET("/v1/roles")).then((page) => page.items);
  roles.catch(() => (roles = null));
  return roles;
}

export function allOutcomes(refresh = false): Promise<Schemas["Outcome"][]> {
  if (refresh) outcomes = null;
  outcomes ??= ok(api.GET("/v1/outcomes", { params: { query: { page_size: 200 } } })).then((page) => page.items);
  outcomes.catch(() => (outcomes = null));
  return outcomes;
}

export function forgetDirectory(): void {
  people.clear();
  roles = null;
  outcomes = null;
}

/** People (names, sectors) for ids; `ready` once every id has been looked up. */
export function usePeople(ids: readonly string[]): { people: Map<string, Schemas["Person"]>; ready: boolean } {
  const wanted = [...new Set(ids)].sort().join(",");
  const [known, setKnown] = useState({ people: new Map<string, Schemas["Person"]>(), for: "" });
  useEffect(() => {
    let live = true;
    const list = wanted ? wanted.split(",") : [];
    Promise.all(list.map((id) => person(id))).then((found) => {
      if (!live) return;
      const next = new Map<string, Schemas["Person"]>();
      for (const entry of found) if (entry) next.set(entry.id, entry);
      setKnown({ people: next, for: wanted });
    });
    return () => {
      live = false;
    };
  }, [wanted]);
  return { people: known.people, ready: known.for === wanted };
}

export function useRoles(): Schemas["Role"][] {
  const [found, setFound] = useState<Schemas["Role"][]>([]);
  useEffect(() => {
    allRoles().then(setFound, () => setFound([]));
  }, []);
  return found;
}

export function roleName(list: Schemas["Role"][], id: string): string {
  return list.find((role) => role.id === id)?.name ?? id;
}
