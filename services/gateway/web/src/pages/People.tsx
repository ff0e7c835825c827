import { useEffect, useRef, useState } from "preact/hooks";
import { api, ok, type Paths, type Schemas } from "../api/client";
import { useLoad } from "../components/async";
import { type Filter, FilterField } from "../components/filters";
import { Bar, ProblemNotice, Section, sectorName, today, Working, money } from "../components/ui";
import { allRoles } from "../directory";
import { currentRoute, navigate, useRoute } from "../router";

type Query = NonNullable<Paths["/v1/people"]["get"]["parameters"]["query"]>;
type FilterName = Exclude<keyof Query, "page_size" | "page_token">;

const FILTERS: Filter<FilterName>[] = [
  { name: "sector", label: "Sector", kind: "sector" },
  { name: "locality", label: "Locality", kind: "text" },
  { name: "organisation", label: "Organisation", kind: "text" },
  { name: "skill", label: "Holds skill (id)", kind: "text" },
  { name: "min_level", label: "At least level", kind: "level" },
];
const PAGE_SIZE = 25;

export function PeoplePage() {
  const route = useRoute();
  const personId = route.params.get("id") ?? "";
  return (
    <>
      <h1>People</h1>
      {personId ? <PersonView id={personId} /> : null}
      <Search />
    </>
  );
}

function Search() {
  const initial = currentRoute().params;
  const [values, setValues] = useState<Record<string, string>>(Object.fromEntries(FILTERS.map((f) => [f.name, initial.get(f.name) ?? ""])));
  const [asked, setAsked] = useState(values);
  const [tokens, setTokens] = useState<string[]>([""]);
  const [lookup, setLookup] = useState("");
  const token = tokens[tokens.length - 1] ?? "";

  const page = useLoad(() => {
    const query: Record<string, string | number> = { page_size: PAGE_SIZE };
    for (const filter of FILTERS) {
      const value = asked[filter.name];
      if (value) query[filter.name] = filter.kind === "level" ? Number(value) : value;
    }
    if (token) query.page_token = token;
    return ok(api.GET("/v1/people", { params: { query: query as Query } }));
  }, [JSON.stringify(asked), token]);

  const problem = page.problem;
  return (
    <>
      <form
        class="card filters"
        aria-label="Search people"
        onSubmit={(event) => {
          event.preventDefault();
          setTokens([""]);
          setAsked(values);
        }}
      >
        <h2>Search</h2>
        <div class="grid">
          {FILTERS.map((filter) => (
            <FilterField
              key={filter.name}
              filter={filter}
              id={`people-${filter.name}`}
              value={values[filter.name] ?? ""}
              problem={problem}
              onChange={(next) => setValues((old) => ({ ...old, [filter.name]: next }))}
            />
          ))}
        </div>
        <button type="submit">Search</button>
      </form>
      <form
        class="card row"
        aria-label="Open a person by id"
        onSubmit={(event) => {
          event.preventDefault();
          if (lookup.trim()) navigate("people", { id: lookup.trim() });
        }}
      >
        <label for="person-id">Person id</label>
        <input id="person-id" value={lookup} onInput={(e) => setLookup(e.currentTarget.value)} />
        <button type="submit">Open</button>
      </form>
      <Working active={page.loading} label="Searching" />
      <ProblemNotice problem={problem} shownFields={FILTERS.map((f) => f.name)} onRetry={page.reload} />
      {page.data ? (
        <section class="card" aria-labelledby="people-found">
          <h2 id="people-found">People found</h2>
          {page.data.items.length === 0 ? <p>Nobody matches.</p> : null}
          <table>
            <caption class="visually-hidden">People found</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Sector</th>
                <th scope="col">Organisation</th>
                <th scope="col">Locality</th>
                <th scope="col">Skills</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((person) => (
                <tr key={person.id}>
                  <td>
                    <a href={`#/people?id=${encodeURIComponent(person.id)}`}>{person.name}</a>
                  </td>
                  <td>{sectorName(person.sector)}</td>
                  <td>{person.organisation}</td>
                  <td>{person.locality}</td>
                  <td>{person.skills.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="row">
            <button type="button" class="secondary" disabled={tokens.length === 1} onClick={() => setTokens((list) => list.slice(0, -1))}>
              Previous page
            </button>
            <button
              type="button"
              class="secondary"
              disabled={!page.data.next_page_token}
              onClick={() => setTokens((list) => [...list, page.data?.next_page_token ?? ""])}
            >
              Next page
            </button>
          </div>
        </section>
      ) : null}
    </>
  );
}

async function fitsOf(personId: string): Promise<Schemas["Fit"][]> {
  const roles = await allRoles();
  return Promise.all(
    roles.map((role) => ok(api.GET("/v1/people/{person_id}/fit", { params: { path: { person_id: personId }, query: { role: role.id } } }))),
  );
}

function PersonView({ id }: { id: string }) {
  const person = useLoad(() => ok(api.GET("/v1/people/{person_id}", { params: { path: { person_id: id } } })), [id]);
  const fits = useLoad(() => fitsOf(id), [id]);
  const history = useLoad(
    () => ok(api.GET("/v1/people/{person_id}/history", { params: { path: { person_id: id } } })).then((page) => page.items),
    [id],
  );
  const roles = useLoad(allRoles, []);
  const p = person.data;
  const now = today();
  const roleOf = (roleId: string) => roles.data?.find((r) => r.id === roleId)?.name ?? roleId;
  const heading = useRef<HTMLDivElement>(null);
  useEffect(() => heading.current?.focus(), [id]);
  return (
    <div ref={heading} tabIndex={-1} class="person-view">
    <Section title={p ? p.name : `Person ${id}`} id="person">
      <Working active={person.loading} label="Loading the person" />
      <ProblemNotice problem={person.problem} onRetry={person.reload} />
      {p ? (
        <>
          <dl class="facts">
            <dt>Id</dt>
            <dd>{p.id}</dd>
            <dt>Sector</dt>
            <dd>{sectorName(p.sector)}</dd>
            <dt>Organisation</dt>
            <dd>{p.organisation || "—"}</dd>
            <dt>Locality</dt>
            <dd>{p.locality || "—"}</dd>
            <dt>Capacity</dt>
            <dd>{p.capacity_fte} FTE</dd>
            <dt>Day rate</dt>
            <dd>{money(p.day_rate)}</dd>
            <dt>Clearances</dt>
            <dd>
              {p.clearances.length === 0
                ? "none"
                : p.clearances.map((c) => `${c.kind} (${c.expires < now ? "expired" : "expires"} ${c.expires})`).join(", ")}
            </dd>
          </dl>
          <table>
            <caption>Levels of {p.name}</caption>
            <thead>
              <tr>
                <th scope="col">Skill</th>
                <th scope="col">Level</th>
                <th scope="col">Evidence</th>
                <th scope="col">Source</th>
                <th scope="col">Assessed</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {p.skills.map((s) => (
                <tr key={s.skill_id}>
                  <td>{s.skill_id}</td>
                  <td>{s.level}</td>
                  <td>{s.evidence || "—"}</td>
                  <td>{s.source ?? "—"}</td>
                  <td>
                    {s.assessed_at ? s.assessed_at.slice(0, 10) : "—"}
                    {s.assessed_by ? ` by ${s.assessed_by}` : ""}
                  </td>
                  <td>{s.valid_until ? (s.valid_until < now ? `expired ${s.valid_until}` : s.valid_until) : "does not expire"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>History of levels</h3>
          <Working active={history.loading} label="Loading the history" />
          <ProblemNotice problem={history.problem} onRetry={history.reload} />
          {history.data && history.data.length === 0 ? <p>No change recorded.</p> : null}
          {history.data && history.data.length > 0 ? (
            <table>
              <caption>Level history of {p.name}</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Skill</th>
                  <th scope="col">Change</th>
                  <th scope="col">Source</th>
                  <th scope="col">By</th>
                  <th scope="col">Evidence</th>
                  <th scope="col">Expires</th>
                </tr>
              </thead>
              <tbody>
                {history.data.map((change, index) => (
                  <tr key={`${change.at}-${change.skill_id}-${index}`}>
                    <td>{change.at.slice(0, 16).replace("T", " ")}</td>
                    <td>{change.skill_id}</td>
                    <td>
                      {change.from_level === 0 ? "none" : change.from_level} → {change.to_level === 0 ? "removed" : change.to_level}
                    </td>
                    <td>{change.source ?? "—"}</td>
                    <td>{change.actor || "—"}</td>
                    <td>{change.evidence || "—"}</td>
                    <td>{change.valid_until ?? "does not expire"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      ) : null}
      <h3>Fit to each role</h3>
      <Working active={fits.loading} label="Measuring fit" />
      <ProblemNotice problem={fits.problem} onRetry={fits.reload} />
      {fits.data ? (
        <ul class="plain fits">
          {fits.data.map((fit) => (
            <li key={fit.role_id}>
              <span class="fit-role">{roleOf(fit.role_id)}</span>
              <Bar value={fit.fit} label="fit" />
              <a href={`#/candidates?role=${encodeURIComponent(fit.role_id)}`}>Others who fit {roleOf(fit.role_id)}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
    </div>
  );
}
