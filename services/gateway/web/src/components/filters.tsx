import type { Problem } from "../api/client";
import { errorProps, FieldError, SECTORS, sectorName } from "./ui";

export type FilterKind = "text" | "sector" | "level" | "date";

/** One query parameter of a list, as a labelled control. */
export interface Filter<Name extends string = string> {
  name: Name;
  label: string;
  kind: FilterKind;
}

/** A filter's control with its label and, beside it, the problem that names it. */
export function FilterField(props: { filter: Filter; id: string; value: string; problem: Problem | undefined; onChange: (next: string) => void }) {
  const { filter, id, value, problem, onChange } = props;
  const control = errorProps(problem, filter.name, id);
  return (
    <div>
      <label for={id}>{filter.label}</label>
      {filter.kind === "sector" ? (
        <select {...control} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">Any sector</option>
          {SECTORS.map((sector) => (
            <option key={sector} value={sector}>
              {sectorName(sector)}
            </option>
          ))}
        </select>
      ) : filter.kind === "level" ? (
        <select {...control} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">Any level</option>
          {[1, 2, 3, 4].map((level) => (
            <option key={level} value={String(level)}>
              {level}
            </option>
          ))}
        </select>
      ) : (
        <input {...control} type={filter.kind === "date" ? "date" : "text"} value={value} onInput={(e) => onChange(e.currentTarget.value)} />
      )}
      <FieldError problem={problem} name={filter.name} id={id} />
    </div>
  );
}
