import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Problem } from "../api/client";

/** Shown only when work takes longer than 300 ms, so quick answers do not flicker. */
export function Working({ active, label }: { active: boolean; label: string }) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!active) {
      setShown(false);
      return;
    }
    const timer = window.setTimeout(() => setShown(true), 300);
    return () => window.clearTimeout(timer);
  }, [active]);
  return (
    <p role="status" class={shown ? "working" : "working hidden"}>
      {shown ? (
        <>
          <span class="spinner" aria-hidden="true" />
          {label}…
        </>
      ) : null}
    </p>
  );
}

/** A share in [0, 1] as a bar with its number beside it: readable without the bar. */
export function Bar(props: { value: number; label?: string; max?: number; text?: string; neutral?: boolean }) {
  const { value, label, max = 1, text, neutral = false } = props;
  const share = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0;
  // A fit is good or poor; a share of a budget or of a team is only a share.
  const tone = neutral ? (value > max ? "poor" : "neutral") : share >= 0.75 ? "good" : share >= 0.5 ? "fair" : "poor";
  return (
    <span class="bar-line">
      <span class="bar" aria-hidden="true">
        <span class={`bar-fill ${tone}`} style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </span>
      <span class="bar-number">
        {label ? <span class="visually-hidden">{label} </span> : null}
        {text ?? value.toFixed(2)}
      </span>
    </span>
  );
}

function matches(field: string, name: string): boolean {
  return field === name || field.startsWith(`${name}.`) || field.startsWith(`${name}[`);
}

export function fieldMessages(problem: Problem | undefined, name: string, exact = false): string[] {
  return (problem?.errors ?? [])
    .filter((error) => (exact ? error.field === name : matches(error.field, name)))
    .map((error) => error.message);
}

/** Props that tie a control to its error message (aria-invalid, aria-describedby). */
export function errorProps(problem: Problem | undefined, name: string, id: string) {
  const invalid = fieldMessages(problem, name).length > 0;
  return { id, "aria-invalid": invalid ? ("true" as const) : undefined, "aria-describedby": invalid ? `${id}-error` : undefined };
}

/** The problem's messages for one field, shown beside that field. */
export function FieldError(props: { problem: Problem | undefined; name: string; id: string; exact?: boolean }) {
  const { problem, name, id, exact = false } = props;
  const messages = fieldMessages(problem, name, exact);
  if (messages.length === 0) return null;
  return (
    <p class="field-error" id={`${id}-error`}>
      {messages.join("; ")}
    </p>
  );
}

/**
 * The problem's summary: its detail, the scope a 403 needs, and the field
 * messages no control on the form shows (those listed in `shownFields` are beside their field).
 */
export function ProblemNotice(props: { problem: Problem | undefined; shownFields?: string[]; onRetry?: () => void }) {
  const { problem, shownFields = [], onRetry } = props;
  if (!problem) return null;
  const elsewhere = problem.errors.filter((error) => !shownFields.some((name) => matches(error.field, name)));
  if (problem.status === 403) {
    // The gateway's 403 names the scopes that would allow the request.
    return (
      <div class="notice error" role="alert">
        <p>Your key may not do this. {problem.detail}</p>
      </div>
    );
  }
  return (
    <div class="notice error" role="alert">
      <p>{problem.detail}</p>
      {onRetry && (problem.status === 503 || problem.status === 0) ? (
        <button type="button" class="small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
      {elsewhere.length > 0 ? (
        <ul>
          {elsewhere.map((error) => (
            <li key={`${error.field}:${error.message}`}>
              <code>{error.field}</code>: {error.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section class="card" aria-labelledby={id ? `${id}-title` : undefined}>
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

export const SECTORS = ["public", "private", "third_sector", "community"] as const;

export function sectorName(sector: string | null | undefined): string {
  return (sector ?? "unknown").replace("_", " ");
}

export function money(amount: number): string {
  return amount.toLocaleString("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
