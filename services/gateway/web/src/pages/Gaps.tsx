import { useRef, useState } from "preact/hooks";
import { api, ApiError, download, ok, type Problem, type Schemas } from "../api/client";
import { useLoad } from "../components/async";
import { Bar, ProblemNotice, Section, Working } from "../components/ui";
import { allOutcomes, roleName, useRoles } from "../directory";
import { href } from "../router";

type Gaps = Schemas["Gaps"];
type Cell = { role: string; locality: string };

/** One gap report per locality that has outcomes: demand is where outcomes are. */
async function gapsByLocality(): Promise<{ localities: string[]; reports: Map<string, Gaps> }> {
  const outcomes = await allOutcomes(true);
  const localities = [...new Set(outcomes.map((o) => o.locality).filter(Boolean))].sort();
  // Two at a time: each report is real work for matching and skills, and a busy
  // stack answers two quickly rather than five late.
  const reports = new Map<string, Gaps>();
  let next = 0;
  async function worker(): Promise<void> {
    while (next < localities.length) {
      const locality = localities[next++]!;
      reports.set(locality, await ok(api.GET("/v1/gaps", { params: { query: { locality, closest_limit: 1 } } })));
    }
  }
  await Promise.all([worker(), worker()]);
  return { localities, reports };
}

/** A tint from how much of the demand is unmet; the numbers in the cell say the same. */
function heat(unmet: number, demanded: number): string {
  if (demanded === 0) return "heat-none";
  const share = unmet / demanded;
  return share === 0 ? "heat-0" : share < 0.34 ? "heat-1" : share < 0.67 ? "heat-2" : "heat-3";
}

export function GapsPage() {
  const roles = useRoles();
  const report = useLoad(gapsByLocality, []);
  const [cell, setCell] = useState<Cell | null>(null);
  const [exportProblem, setExportProblem] = useState<Problem | undefined>();
  const [exporting, setExporting] = useState(false);
  const detail = useRef<HTMLHeadingElement>(null);

  const localities = report.data?.localities ?? [];
  const reports = report.data?.reports ?? new Map<string, Gaps>();
  const roleIds = [...new Set([...roles.map((r) => r.id), ...[...reports.values()].flatMap((g) => g.roles.map((r) => r.role_id))])];
  const skillRows = [
    ...new Map([...reports.values()].flatMap((g) => g.skills.map((s) => [`${s.skill_id}@${s.min_level}`, s] as const))).values(),
  ];

  async function exportCsv() {
    setExporting(true);
    setExportProblem(undefined);
    try {
      await download("/v1/exports/gaps.csv", {}, "gaps.csv");
    } catch (error) {
      if (error instanceof ApiError) setExportProblem(error.problem);
    } finally {
      setExporting(false);
    }
  }

  return (
    <>
      <h1>Gaps</h1>
      <p>
        Demand of the open outcomes against supply. Each cell reads <em>short</em> (places no one can fill), then how many
        places are <em>needed</em> and how many people could take them (<em>supply</em>). Choose a cell to see the closest
        people and what they would need to learn.
      </p>
      <Working active={report.loading} label="Reading the gap report" />
      <ProblemNotice problem={report.problem} onRetry={report.reload} />
      {report.data ? (
        <div class="card">
          <div class="table-scroll">
            <table class="heatmap">
              <caption>Gaps by role and locality</caption>
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  {localities.map((locality) => (
                    <th scope="col" key={locality}>
                      {locality}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {roleIds.map((role) => (
                  <tr key={role}>
                    <th scope="row">{roleName(roles, role)}</th>
                    {localities.map((locality) => {
                      const demand = reports.get(locality)?.roles.find((r) => r.role_id === role);
                      if (!demand || demand.demanded === 0) {
                        return (
                          <td key={locality} class="heat-none">
                            <span class="muted">no demand</span>
                          </td>
                        );
                      }
                      const selected = cell?.role === role && cell.locality === locality;
                      return (
                        <td key={locality} class={heat(demand.unfilled, demand.demanded)}>
                          <button
                            type="button"
                            class="cell"
                            aria-pressed={selected}
                            onClick={() => {
                              setCell({ role, locality });
                              window.setTimeout(() => detail.current?.focus(), 0);
                            }}
                          >
                            <span class="cell-main">{demand.unfilled} short</span>
                            <span class="cell-sub">
                              {demand.demanded} needed · {demand.supply} supply
                            </span>
                            <span class="visually-hidden">
                              {" "}
                              for {roleName(roles, role)} in {locality}
                            </span>
                          </button>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="legend" aria-hidden="true">
            <span class="swatch heat-0" /> all places can be filled <span class="swatch heat-1" /> up to a third short{" "}
            <span class="swatch heat-2" /> up to two thirds short <span class="swatch heat-3" /> mostly short
          </p>
          <div class="row">
            <button type="button" class="secondary" onClick={exportCsv} disabled={exporting}>
              Export CSV
            </button>
            <Working active={exporting} label="Exporting" />
          </div>
          <ProblemNotice problem={exportProblem} />
        </div>
      ) : null}

      {cell ? <CellDetail cell={cell} roles={roles} headingRef={detail} /> : null}

      {report.data ? (
        <Section title="Skills by locality" id="skills-gaps">
          {skillRows.length === 0 ? (
            <p>No outcome asks for a skill across its team.</p>
          ) : (
            <div class="table-scroll">
              <table class="heatmap">
                <caption>Gaps by skill and locality</caption>
                <thead>
                  <tr>
                    <th scope="col">Skill (level)</th>
                    {localities.map((locality) => (
                      <th scope="col" key={locality}>
                        {locality}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {skillRows.map((row) => (
                    <tr key={`${row.skill_id}@${row.min_level}`}>
                      <th scope="row">
                        {row.skill_id} ({row.min_level})
                      </th>
                      {localities.map((locality) => {
                        const demand = reports.get(locality)?.skills.find((s) => s.skill_id === row.skill_id && s.min_level === row.min_level);
                        return demand ? (
                          <td key={locality} class={heat(demand.shortfall, demand.demanded_people)}>
                            <span class="cell-main">{demand.shortfall} short</span>
                            <span class="cell-sub">
                              {demand.demanded_people} needed · {demand.supply} supply
                            </span>
                          </td>
                        ) : (
                          <td key={locality} class="heat-none">
                            <span class="muted">no demand</span>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Section>
      ) : null}
    </>
  );
}

function CellDetail({ cell, roles, headingRef }: { cell: Cell; roles: Schemas["Role"][]; headingRef: preact.RefObject<HTMLHeadingElement> }) {
  const closest = useLoad(
    () => ok(api.GET("/v1/gaps", { params: { query: { locality: cell.locality, role: cell.role, closest_limit: 10 } } })),
    [cell.locality, cell.role],
  );
  const name = roleName(roles, cell.role);
  const blocked = (closest.data?.blocked_slots ?? []).filter((b) => b.role_id === cell.role);
  const people = (closest.data?.closest ?? []).filter((p) => p.role_id === cell.role);
  return (
    <section class="card" aria-labelledby="cell-title">
      <h2 id="cell-title" ref={headingRef} tabIndex={-1}>
        Closest people: {name} in {cell.locality}
      </h2>
      <Working active={closest.loading} label="Finding the closest people" />
      <ProblemNotice problem={closest.problem} onRetry={closest.reload} />
      {blocked.length > 0 ? (
        <ul>
          {blocked.map((b) => (
            <li key={`${b.outcome_id}:${b.reason}`}>
              {b.count} {b.count === 1 ? "place" : "places"} on {b.outcome_id}: {b.reason}
            </li>
          ))}
        </ul>
      ) : null}
      {closest.data && people.length === 0 ? <p>Nobody close: everyone who could do it already fits, or nobody is near.</p> : null}
      {people.length > 0 ? (
        <table>
          <caption>Closest people for {name} in {cell.locality}, and their gap steps</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Fit now</th>
              <th scope="col">Steps to close the gap</th>
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.person_id}>
                <td>
                  <a href={href("people", { id: p.person_id })}>{p.name}</a>
                </td>
                <td>
                  <Bar value={p.fit} label="fit" />
                </td>
                <td>
                  <ol class="steps">
                    {p.steps.map((step) => (
                      <li key={step.skill_id}>
                        {step.skill_id}: level {step.from_level} → {step.to_level}, fit {step.fit_after.toFixed(2)}
                        {step.essential ? " (essential)" : ""}
                      </li>
                    ))}
                  </ol>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
