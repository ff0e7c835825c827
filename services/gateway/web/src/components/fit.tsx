import type { Schemas } from "../api/client";
import { Bar } from "./ui";

const STATUS_TEXT: Record<string, string> = { met: "met", partial: "partly met", missing: "missing" };

/** A fit per requirement: met, partial (through which skill), or missing. */
export function RequirementsTable({ fit, caption }: { fit: Schemas["Fit"]; caption: string }) {
  return (
    <table class="requirements">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Skill</th>
          <th scope="col">Needed</th>
          <th scope="col">Has</th>
          <th scope="col">Status</th>
          <th scope="col">Credit</th>
        </tr>
      </thead>
      <tbody>
        {fit.requirements.map((r) => (
          <tr key={r.skill_id}>
            <td>
              {r.skill_id}
              {r.essential ? <span class="tag">essential</span> : null}
            </td>
            <td>level {r.min_level}</td>
            <td>{r.level > 0 ? `level ${r.level}` : "—"}</td>
            <td class={`status-${r.status ?? "missing"}`}>
              {STATUS_TEXT[r.status ?? "missing"]}
              {r.status === "partial" && r.via_skill_id ? ` through ${r.via_skill_id}` : ""}
            </td>
            <td>
              <Bar value={r.credit} label="credit" />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What to learn: the API's steps when it sends them, otherwise each requirement below its level. */
export function LearningSteps({ fit }: { fit: Schemas["Fit"] }) {
  const steps = fit.steps ?? [];
  if (steps.length > 0) {
    return (
      <ol class="steps">
        {steps.map((step) => (
          <li key={step.skill_id}>
            {step.skill_id}: level {step.from_level} → {step.to_level}
            {step.essential ? " (essential)" : ""}, fit +{step.fit_gain.toFixed(2)} to {step.fit_after.toFixed(2)}
          </li>
        ))}
      </ol>
    );
  }
  const short = fit.requirements.filter((r) => r.level < r.min_level);
  if (short.length === 0) return <p>Nothing to learn for this role.</p>;
  return (
    <ol class="steps">
      {short.map((r) => (
        <li key={r.skill_id}>
          {r.skill_id}: level {r.level} → {r.min_level}
          {r.essential ? " (essential)" : ""}
        </li>
      ))}
    </ol>
  );
}
