import { useState } from "preact/hooks";
import { api, ApiError, download, ok, type Problem, type Schemas } from "../api/client";
import { useLoad } from "../components/async";
import { errorProps, FieldError, ProblemNotice, Working, money, sectorName } from "../components/ui";
import { currentRoute, replaceParams } from "../router";

type Grouping = Schemas["LearningGrouping"];
type Report = Schemas["LearningReport"];
type Figure = Schemas["LearningFigure"];

const GROUPINGS: { value: Grouping; label: string }[] = [
  { value: "locality", label: "Locality" },
  { value: "approach", label: "Preventative or responsive" },
  { value: "priority", label: "Priority" },
];

function groupingOf(text: string | null): Grouping {
  return GROUPINGS.find((g) => g.value === text)?.value ?? "locality";
}

/** The figures' columns: every figure name any group carries, in the order the service sends them. */
function figureColumns(report: Report): { name: string; label: string }[] {
  const columns = new Map<string, string>();
  for (const group of report.groups) for (const figure of group.figures) columns.set(figure.name, figure.label);
  return [...columns].map(([name, label]) => ({ name, label }));
}

/** A figure's value; without one, "no data" when nothing was counted, else "withheld" (under the minimum). */
function figureText(figure: Figure): string {
  if (figure.value !== null && figure.value !== undefined) return figure.value.toFixed(2);
  return figure.count === 0 ? "no data" : "withheld";
}

function FigureCell({ figure }: { figure: Figure | undefined }) {
  if (!figure) return <td class="muted">—</td>;
  return (
    <td>
      <span class="cell-main">{figureText(figure)}</span>
      <span class="cell-sub">n = {figure.count}</span>
    </td>
  );
}

export function LearningPage() {
  const initial = currentRoute().params;
  const [groupBy, setGroupBy] = useState<Grouping>(groupingOf(initial.get("group_by")));
  const [minimum, setMinimum] = useState(initial.get("min_group_size") ?? "");
  const [asked, setAsked] = useState({ groupBy, minimum });
  const [exportProblem, setExportProblem] = useState<Problem | undefined>();
  const [exporting, setExporting] = useState(false);

  const query = (): { group_by: Grouping; min_group_size?: number } =>
    asked.minimum.trim() === "" ? { group_by: asked.groupBy } : { group_by: asked.groupBy, min_group_size: Number(asked.minimum) };
  const report = useLoad(() => ok(api.GET("/v1/learning", { params: { query: query() } })), [asked.groupBy, asked.minimum]);

  function show(event: Event) {
    event.preventDefault();
    replaceParams({ group_by: groupBy, min_group_size: minimum });
    setAsked({ groupBy, minimum });
  }

  async function exportCsv() {
    setExporting(true);
    setExportProblem(undefined);
    try {
      const { group_by, min_group_size } = query();
      await download("/v1/exports/learning.csv", { group_by, min_group_size: min_group_size?.toString() ?? "" }, "learning.csv");
    } catch (error) {
      if (error instanceof ApiError) setExportProblem(error.problem);
    } finally {
      setExporting(false);
    }
  }

  const data = report.data;
  const columns = data ? figureColumns(data) : [];
  const groupLabel = GROUPINGS.find((g) => g.value === (data?.group_by ?? asked.groupBy))?.label ?? "";
  return (
    <>
      <h1>Learning</h1>
      <p>
        What team composition is <em>associated with</em> over closed outcomes: sector mix, community share, role coverage
        and fit beside the share of outcomes met and the progress towards target. Every figure shows the number of outcomes
        or people it rests on (<em>n</em>); a group with fewer closed outcomes than the minimum shows its counts and no
        figures. These are associations, not causes.
      </p>
      <form class="card" onSubmit={show} noValidate>
        <div class="grid">
          <div>
            <label for="learning-group-by">Group by</label>
            <select id="learning-group-by" value={groupBy} onChange={(e) => setGroupBy(groupingOf(e.currentTarget.value))}>
              {GROUPINGS.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="learning-minimum">Minimum group size (empty: the service's default)</label>
            <input
              {...errorProps(report.problem, "min_group_size", "learning-minimum")}
              type="number"
              min={1}
              value={minimum}
              onInput={(e) => setMinimum(e.currentTarget.value)}
            />
            <FieldError problem={report.problem} name="min_group_size" id="learning-minimum" />
          </div>
          <div class="end">
            <button type="submit">Show</button>
          </div>
        </div>
      </form>
      <Working active={report.loading} label="Reading the learning report" />
      <ProblemNotice problem={report.problem} shownFields={["min_group_size"]} onRetry={report.reload} />
      {data ? (
        <div class="card">
          {data.groups.length === 0 ? (
            <p>No outcome is closed yet: close one with its assessment to start learning from it.</p>
          ) : (
            // Focusable so that keyboard users can scroll a table wider than the page.
            <div class="table-scroll" tabIndex={0} role="region" aria-label={`Learning by ${groupLabel.toLowerCase()}, scrolls sideways`}>
              <table>
                <caption>
                  Learning by {groupLabel.toLowerCase()} (minimum group size {data.min_group_size})
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{groupLabel}</th>
                    <th scope="col">Closed outcomes</th>
                    {columns.map((column) => (
                      <th scope="col" key={column.name}>
                        {column.label}
                      </th>
                    ))}
                    <th scope="col">Contributions by sector</th>
                  </tr>
                </thead>
                <tbody>
                  {data.groups.map((group) => (
                    <tr key={group.key}>
                      <th scope="row">
                        {group.key || "(none)"}
                        {group.reported ? null : <span class="tag">under the minimum: figures withheld</span>}
                      </th>
                      <td>{group.outcomes}</td>
                      {columns.map((column) => (
                        <FigureCell key={column.name} figure={group.figures.find((f) => f.name === column.name)} />
                      ))}
                      <td>
                        {group.contributions.length === 0
                          ? "none"
                          : group.contributions.map((c) => `${sectorName(c.sector)} ${money(c.amount)}`).join(", ")}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {data.notes.length > 0 ? (
            <ul>
              {data.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          ) : null}
          <div class="row">
            <button type="button" class="secondary" onClick={exportCsv} disabled={exporting}>
              Export CSV
            </button>
            <Working active={exporting} label="Exporting" />
          </div>
          <ProblemNotice problem={exportProblem} />
        </div>
      ) : null}
    </>
  );
}
