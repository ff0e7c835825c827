import { useState } from "preact/hooks";
import { api, ok, type Paths, type Schemas } from "../api/client";
import { useLoad } from "../components/async";
import { type Filter, FilterField } from "../components/filters";
import { LearningSteps, RequirementsTable } from "../components/fit";
import { Bar, ProblemNotice, sectorName, Working } from "../components/ui";
import { useRoles } from "../directory";
import { currentRoute, href, replaceParams } from "../router";

type Query = NonNullable<Paths["/v1/roles/{role_id}/candidates"]["get"]["parameters"]["query"]>;
type FilterName = Exclude<keyof Query, "limit">;

/** Each filter is a query parameter of the candidates route: a new one is one line here. */
const FILTERS: Filter<FilterName>[] = [
  { name: "sector", label: "Sector", kind: "sector" },
  { name: "locality", label: "Locality", kind: "text" },
  { name: "organisation", label: "Organisation", kind: "text" },
  { name: "skill", label: "Holds skill (id)", kind: "text" },
  { name: "min_level", label: "At least level", kind: "level" },
  { name: "available_from", label: "Available from", kind: "date" },
  { name: "available_until", label: "Available until", kind: "date" },
  { name: "clearance", label: "Holds clearance (kind)", kind: "text" },
  { name: "clearance_valid_until", label: "Clearance valid until", kind: "date" },
];

function queryOf(values: Record<string, string>, limit: number): Query {
  const query: Record<string, string | number> = { limit };
  for (const filter of FILTERS) {
    const value = values[filter.name];
    if (value) query[filter.name] = filter.kind === "level" ? Number(value) : value;
  }
  return query as Query;
}

export function CandidatesPage() {
  const roles = useRoles();
  const initial = currentRoute().params;
  const [role, setRole] = useState(initial.get("role") ?? "");
  const [values, setValues] = useState<Record<string, string>>(Object.fromEntries(FILTERS.map((f) => [f.name, initial.get(f.name) ?? ""])));
  const [asked, setAsked] = useState({ role: initial.get("role") ?? "", values });
  const chosenRole = asked.role || roles[0]?.id || "";

  const candidates = useLoad(
    () =>
      chosenRole
        ? ok(api.GET("/v1/roles/{role_id}/candidates", { params: { path: { role_id: chosenRole }, query: queryOf(asked.values, 25) } })).then((page) => page.items)
        : Promise.resolve([] as Schemas["Candidate"][]),
    [chosenRole, JSON.stringify(asked.values)],
  );

  function search(event: Event) {
    event.preventDefault();
    setAsked({ role, values });
    replaceParams({ role, ...values });
  }

  const problem = candidates.problem;
  return (
    <>
      <h1>Candidates</h1>
      <form class="card filters" onSubmit={search}>
        <div class="grid">
          <div>
            <label for="candidate-role">Role</label>
            <select id="candidate-role" value={role || chosenRole} onChange={(e) => setRole(e.currentTarget.value)}>
              {roles.map((r) => (
                <option key={r.id} value={r.id} selected={r.id === (role || chosenRole)}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          {FILTERS.map((filter) => (
            <FilterField
              key={filter.name}
              filter={filter}
              id={`filter-${filter.name}`}
              value={values[filter.name] ?? ""}
              problem={problem}
              onChange={(next) => setValues((old) => ({ ...old, [filter.name]: next }))}
            />
          ))}
        </div>
        <button type="submit">Find candidates</button>
      </form>
      <Working active={candidates.loading} label="Ranking candidates" />
      <ProblemNotice problem={problem} shownFields={FILTERS.map((f) => f.name)} onRetry={candidates.reload} />
      {/* A new ranking replaces the old one; the old one is not left to be read as the new. */}
      {candidates.data && !candidates.loading ? <CandidateList role={chosenRole} items={candidates.data} /> : null}
    </>
  );
}

function CandidateList({ role, items }: { role: string; items: Schemas["Candidate"][] }) {
  const [open, setOpen] = useState<string>("");
  if (items.length === 0) return <p class="card">Nobody matches these filters.</p>;
  return (
    <section class="card" aria-labelledby="ranked-title">
      <h2 id="ranked-title">Ranked people</h2>
      <ol class="ranked">
        {items.map((candidate) => {
          const person = candidate.person;
          const expanded = open === person.id;
          return (
            <li key={person.id}>
              <div class="ranked-row">
                <a href={href("people", { id: person.id })}>{person.name}</a>
                <span class="muted">
                  {sectorName(person.sector)}, {person.locality || "no locality"}
                </span>
                <Bar value={candidate.fit.fit} label="fit" />
                <button type="button" class="small secondary" aria-expanded={expanded} aria-controls={`why-${person.id}`} onClick={() => setOpen(expanded ? "" : person.id)}>
                  {expanded ? "Hide" : "Explain"} fit of {person.name}
                </button>
              </div>
              {expanded ? <Explanation id={`why-${person.id}`} role={role} candidate={candidate} /> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function Explanation({ id, role, candidate }: { id: string; role: string; candidate: Schemas["Candidate"] }) {
  // The ranked fit explains each requirement; /fit adds the learning steps.
  const full = useLoad(() => ok(api.GET("/v1/people/{person_id}/fit", { params: { path: { person_id: candidate.person.id }, query: { role } } })), [candidate.person.id, role]);
  const fit = full.data ?? candidate.fit;
  return (
    <div id={id} class="explanation">
      <RequirementsTable fit={fit} caption={`Fit of ${candidate.person.name} per requirement`} />
      <h3>What to learn</h3>
      <Working active={full.loading} label="Working out what to learn" />
      <LearningSteps fit={fit} />
    </div>
  );
}
