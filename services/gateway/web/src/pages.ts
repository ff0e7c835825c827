import type { Scope } from "./session";

/** The pages, their links and the scopes that may use them (admin may use all). */
export const PAGES: { path: string; label: string; scopes: Scope[] }[] = [
  { path: "team", label: "Team builder", scopes: ["manager"] },
  { path: "candidates", label: "Candidates", scopes: ["hr", "manager", "planner"] },
  { path: "gaps", label: "Gaps", scopes: ["manager", "planner"] },
  { path: "people", label: "People", scopes: ["hr", "manager", "planner"] },
  { path: "training", label: "Training", scopes: ["planner"] },
  { path: "learning", label: "Learning", scopes: ["manager", "planner"] },
  { path: "imports", label: "Imports", scopes: ["hr"] },
];
