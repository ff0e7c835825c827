import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { useAction, useLoad } from "../components/async";
import { errorProps, FieldError, ProblemNotice, Section, Working, today } from "../components/ui";

type Outcome = Schemas["Outcome"];
type Assessment = Schemas["Assessment"];

const ASSESSMENTS: { value: Assessment; label: string }[] = [
  { value: "met", label: "Met" },
  { value: "partly_met", label: "Partly met" },
  { value: "not_met", label: "Not met" },
];

/** A manager's results against an outcome's measures, and closing it with an assessment. */
export function OutcomeResults({ outcomes, onClosed }: { outcomes: Outcome[]; onClosed: () => void }) {
  const measured = outcomes.filter((o) => o.measures.length > 0 || o.state === "closed");
  const [outcomeId, setOutcomeId] = useState("");
  const outcome = measured.find((o) => o.id === outcomeId) ?? measured[0];
  if (!outcome) {
    return (
      <Section title="Results and closing" id="results">
        <p>No outcome has measures yet: give an outcome measures to record its results here.</p>
      </Section>
    );
  }
  return (
    <Section title="Results and closing" id="results">
      <label for="results-outcome">Outcome</label>
      <select id="results-outcome" value={outcome.id} onChange={(e) => setOutcomeId(e.currentTarget.value)}>
        {measured.map((o) => (
          <option key={o.id} value={o.id}>
            {o.title}
            {o.state === "closed" ? " (closed)" : ""}
          </option>
        ))}
      </select>
      <OutcomeLearning key={outcome.id} outcome={outcome} onClosed={onClosed} />
    </Section>
  );
}

function OutcomeLearning({ outcome, onClosed }: { outcome: Outcome; onClosed: () => void }) {
  const path = { params: { path: { outcome_id: outcome.id } } };
  const results = useLoad(() => ok(api.GET("/v1/outcomes/{outcome_id}/results", path)), [outcome.id]);
  const [measureId, setMeasureId] = useState(outcome.measures[0]?.id ?? "");
  const [value, setValue] = useState("");
  const [on, setOn] = useState(today());
  const [assessment, setAssessment] = useState<Assessment>("met");
  const [note, setNote] = useState("");
  const record = useAction((body: Schemas["ResultRecord"]) => ok(api.POST("/v1/outcomes/{outcome_id}/results", { ...path, body })));
  const close = useAction((body: Schemas["Closing"]) => ok(api.POST("/v1/outcomes/{outcome_id}/close", { ...path, body })));

  async function submitResult(event: Event) {
    event.preventDefault();
    const answer = await record.run({ measure_id: measureId, value: Number(value), date: on });
    if (answer) {
      setValue("");
      results.reload();
    }
  }

  async function submitClose(event: Event) {
    event.preventDefault();
    if (await close.run({ assessment, note })) onClosed();
  }

  const closed = close.result ?? (outcome.state === "closed" ? outcome : undefined);
  const measureName = (id: string) => outcome.measures.find((m) => m.id === id)?.name ?? id;
  return (
    <>
      {outcome.measures.length > 0 ? (
        <table>
          <caption>Measures of {outcome.title}</caption>
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Baseline</th>
              <th scope="col">Target</th>
              <th scope="col">Results, oldest first</th>
            </tr>
          </thead>
          <tbody>
            {outcome.measures.map((m) => (
              <tr key={m.id}>
                <th scope="row">
                  {m.name}
                  {m.unit ? <span class="muted"> ({m.unit})</span> : null}
                </th>
                <td>{m.baseline}</td>
                <td>
                  {m.target} <span class="muted">({m.direction === "lower_is_better" ? "lower is better" : "higher is better"})</span>
                </td>
                <td>
                  {(results.data?.items ?? [])
                    .filter((r) => r.measure_id === m.id)
                    .map((r) => `${r.value} on ${r.date ?? ""}`)
                    .join("; ") || "none yet"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Working active={results.loading} label="Reading results" />
      <ProblemNotice problem={results.problem} onRetry={results.reload} />

      {outcome.measures.length > 0 ? (
        <form onSubmit={submitResult} noValidate>
          <h3>Record a result</h3>
          <div class="grid">
            <div>
              <label for="result-measure">Measure</label>
              <select {...errorProps(record.problem, "measure_id", "result-measure")} value={measureId} onChange={(e) => setMeasureId(e.currentTarget.value)}>
                {outcome.measures.map((m) => (
                  <option key={m.id} value={m.id}>
                    {measureName(m.id)}
                  </option>
                ))}
              </select>
              <FieldError problem={record.problem} name="measure_id" id="result-measure" />
            </div>
            <div>
              <label for="result-value">Value</label>
              <input {...errorProps(record.problem, "value", "result-value")} type="number" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
              <FieldError problem={record.problem} name="value" id="result-value" />
            </div>
            <div>
              <label for="result-date">Date</label>
              <input {...errorProps(record.problem, "date", "result-date")} type="date" value={on} onInput={(e) => setOn(e.currentTarget.value)} />
              <FieldError problem={record.problem} name="date" id="result-date" />
            </div>
            <div class="end">
              <button type="submit" disabled={record.running || value === ""}>
                Record result
              </button>
            </div>
          </div>
          <ProblemNotice problem={record.problem} shownFields={["measure_id", "value", "date"]} />
        </form>
      ) : null}

      {closed ? (
        <p class="notice success" role="status">
          Closed on {closed.closed_on}: {ASSESSMENTS.find((a) => a.value === closed.assessment)?.label.toLowerCase() ?? "no assessment"}
          {closed.assessment_note ? ` (${closed.assessment_note})` : ""}. Its team is kept as history.
        </p>
      ) : (
        <form onSubmit={submitClose} noValidate>
          <h3>Close the outcome</h3>
          <div class="grid">
            <div>
              <label for="close-assessment">Assessment</label>
              <select id="close-assessment" value={assessment} onChange={(e) => setAssessment(e.currentTarget.value as Assessment)}>
                {ASSESSMENTS.map((a) => (
                  <option key={a.value} value={a.value}>
                    {a.label}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="close-note">Note</label>
              <input {...errorProps(close.problem, "note", "close-note")} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
              <FieldError problem={close.problem} name="note" id="close-note" />
            </div>
            <div class="end">
              <button type="submit" disabled={close.running}>
                Close outcome
              </button>
            </div>
          </div>
          <p class="muted">Closing is final: a closed outcome is no longer staffed or changed.</p>
          <ProblemNotice problem={close.problem} shownFields={["note"]} />
        </form>
      )}
    </>
  );
}
