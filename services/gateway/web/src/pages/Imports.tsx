import { useRef, useState } from "preact/hooks";
import { ApiError, uploadCsv, type CsvImportPath, type ImportReport, type Problem } from "../api/client";
import { ProblemNotice } from "../components/ui";

const KINDS: { path: CsvImportPath; label: string; help: string }[] = [
  { path: "/v1/imports/people", label: "People and their levels", help: "id,name,sector,organisation,locality,capacity_fte,day_rate,clearances,skill_id,level,…" },
  { path: "/v1/imports/courses", label: "Training courses", help: "id,title,kind,skill_id,from_level,to_level,cost,…" },
  { path: "/v1/imports/skills", label: "ESCO skills", help: "skills_en.csv or broaderRelationsSkillPillar.csv as published" },
];

export function ImportsPage() {
  const [kind, setKind] = useState<CsvImportPath>("/v1/imports/people");
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null);
  const [report, setReport] = useState<ImportReport | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [running, setRunning] = useState(false);
  const result = useRef<HTMLHeadingElement>(null);

  async function upload(event: Event) {
    event.preventDefault();
    setReport(undefined);
    setProblem(undefined);
    if (!file) {
      setProblem({ status: 422, title: "", detail: "Choose a file first.", errors: [{ field: "file", message: "choose a CSV file" }] });
      return;
    }
    setRunning(true);
    setSent({ loaded: 0, total: file.size });
    try {
      setReport(await uploadCsv(kind, file, (loaded, total) => setSent({ loaded, total })));
      window.setTimeout(() => result.current?.focus(), 0);
    } catch (error) {
      if (error instanceof ApiError) setProblem(error.problem);
    } finally {
      setRunning(false);
    }
  }

  const uploaded = sent !== null && sent.loaded >= sent.total;
  const fileMessages = (problem?.errors ?? []).filter((e) => e.field === "file" || e.field === "body").map((e) => e.message);
  return (
    <>
      <h1>Imports</h1>
      <form class="card" onSubmit={upload} noValidate>
        <fieldset>
          <legend>What the file holds</legend>
          {KINDS.map((k) => (
            <div key={k.path}>
              <label>
                <input type="radio" name="kind" value={k.path} checked={kind === k.path} onChange={() => setKind(k.path)} /> {k.label}
              </label>
              <span class="muted"> — {k.help}</span>
            </div>
          ))}
        </fieldset>
        <label for="import-file">CSV file</label>
        <input
          id="import-file"
          type="file"
          accept=".csv,text/csv"
          aria-invalid={fileMessages.length > 0 ? "true" : undefined}
          aria-describedby={fileMessages.length > 0 ? "import-file-error" : undefined}
          onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
        />
        {fileMessages.length > 0 ? (
          <p class="field-error" id="import-file-error">
            {fileMessages.join("; ")}
          </p>
        ) : null}
        <button type="submit" disabled={running}>
          Upload
        </button>
        {running && sent ? (
          <div class="progress-line" role="status">
            <label for="upload-progress">{uploaded ? "Uploaded; importing the rows…" : `Uploading… ${Math.round((100 * sent.loaded) / Math.max(sent.total, 1))}%`}</label>
            {uploaded ? <progress id="upload-progress" /> : <progress id="upload-progress" max={sent.total} value={sent.loaded} />}
          </div>
        ) : null}
        <ProblemNotice problem={problem} shownFields={["file", "body"]} />
      </form>
      {report ? (
        <section class="card" aria-labelledby="import-result">
          <h2 id="import-result" ref={result} tabIndex={-1}>
            Imported {report.accepted} of {report.rows_read} rows
          </h2>
          <p>
            {report.levels_written} levels and {report.relations_written} relations written; {report.rejected_rows}{" "}
            {report.rejected_rows === 1 ? "row" : "rows"} rejected.
          </p>
          {report.errors.length > 0 ? (
            <table>
              <caption>Rejected rows</caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Id</th>
                  <th scope="col">Column</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((error) => (
                  <tr key={`${error.line}:${error.field}`}>
                    <td>{error.line}</td>
                    <td>{error.id || "—"}</td>
                    <td>{error.field}</td>
                    <td>{error.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
