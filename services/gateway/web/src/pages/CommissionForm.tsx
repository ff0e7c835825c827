import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { useAction } from "../components/async";
import { errorProps, FieldError, ProblemNotice, SECTORS, Working, sectorName } from "../components/ui";

type Slot = Schemas["Slot"];
type Outcome = Schemas["Outcome"];
type Measure = Schemas["Measure"];
type Contribution = Schemas["Contribution"];
type Sector = Schemas["Sector"];

const FORM_FIELDS = ["title", "locality", "budget", "priority", "start", "end", "days", "slots", "rules", "approach", "measures", "contributions"];

/** A measure's id from its name: the id rule allows no white space or slashes. */
function measureId(name: string, index: number): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return slug || `measure-${index + 1}`;
}

function numberOr(value: string, fallback: number): number {
  const parsed = Number(value);
  return value.trim() === "" || Number.isNaN(parsed) ? fallback : parsed;
}

/** Commission an outcome: its slots, team rules, budget and dates (POST /v1/outcomes). */
export function CommissionForm({ roles, onCreated }: { roles: Schemas["Role"][]; onCreated: (outcome: Outcome) => void }) {
  const [title, setTitle] = useState("");
  const [locality, setLocality] = useState("");
  const [budget, setBudget] = useState("");
  const [priority, setPriority] = useState("3");
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [days, setDays] = useState("");
  const [slots, setSlots] = useState<Slot[]>([{ role_id: "navigator", count: 1, fte: 0.2, min_fit: 0.4, clearance: "" }]);
  const [minSectors, setMinSectors] = useState("0");
  const [maxShare, setMaxShare] = useState("");
  const [minCommunity, setMinCommunity] = useState("0");
  const [localityRule, setLocalityRule] = useState<Schemas["LocalityRule"]>("any");
  const [approach, setApproach] = useState<Schemas["Approach"] | "">("");
  const [measures, setMeasures] = useState<Measure[]>([]);
  const [contributions, setContributions] = useState<Contribution[]>([]);
  const [created, setCreated] = useState<Outcome | undefined>();
  const create = useAction((body: Schemas["OutcomeCreate"]) => ok(api.POST("/v1/outcomes", { body })));
  const problem = create.problem;

  async function submit(event: Event) {
    event.preventDefault();
    setCreated(undefined);
    const outcome = await create.run({
      title,
      locality,
      budget: numberOr(budget, 0),
      priority: numberOr(priority, 3),
      start,
      end,
      days: numberOr(days, 0),
      slots,
      rules: {
        min_sectors: numberOr(minSectors, 0),
        // Empty or 0 means no limit, which the API spells null.
        max_sector_share: numberOr(maxShare, 0) > 0 ? numberOr(maxShare, 0) : null,
        min_community_members: numberOr(minCommunity, 0),
        locality: localityRule,
      },
      approach: approach || null,
      measures: measures.map((m, index) => ({ ...m, id: measureId(m.name, index) })),
      contributions,
    });
    if (outcome) {
      setCreated(outcome);
      onCreated(outcome);
    }
  }

  function setMeasure(index: number, change: Partial<Measure>) {
    setMeasures((list) => list.map((measure, at) => (at === index ? { ...measure, ...change } : measure)));
  }

  function setContribution(index: number, change: Partial<Contribution>) {
    setContributions((list) => list.map((item, at) => (at === index ? { ...item, ...change } : item)));
  }

  function setSlot(index: number, change: Partial<Slot>) {
    setSlots((list) => list.map((slot, at) => (at === index ? { ...slot, ...change } : slot)));
  }

  return (
    <details class="card">
      <summary>
        <h2>Commission an outcome</h2>
      </summary>
      <form onSubmit={submit} noValidate>
        <div class="grid">
          <div>
            <label for="outcome-title">Title</label>
            <input {...errorProps(problem, "title", "outcome-title")} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
            <FieldError problem={problem} name="title" id="outcome-title" />
          </div>
          <div>
            <label for="outcome-locality">Locality</label>
            <input {...errorProps(problem, "locality", "outcome-locality")} value={locality} onInput={(e) => setLocality(e.currentTarget.value)} />
            <FieldError problem={problem} name="locality" id="outcome-locality" />
          </div>
          <div>
            <label for="outcome-budget">Budget (£)</label>
            <input {...errorProps(problem, "budget", "outcome-budget")} type="number" min={0} value={budget} onInput={(e) => setBudget(e.currentTarget.value)} />
            <FieldError problem={problem} name="budget" id="outcome-budget" />
          </div>
          <div>
            <label for="outcome-priority">Priority (1 to 5)</label>
            <input {...errorProps(problem, "priority", "outcome-priority")} type="number" min={1} max={5} value={priority} onInput={(e) => setPriority(e.currentTarget.value)} />
            <FieldError problem={problem} name="priority" id="outcome-priority" />
          </div>
          <div>
            <label for="outcome-start">Start</label>
            <input {...errorProps(problem, "start", "outcome-start")} type="date" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
            <FieldError problem={problem} name="start" id="outcome-start" />
          </div>
          <div>
            <label for="outcome-end">End</label>
            <input {...errorProps(problem, "end", "outcome-end")} type="date" value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
            <FieldError problem={problem} name="end" id="outcome-end" />
          </div>
          <div>
            <label for="outcome-days">Working days</label>
            <input {...errorProps(problem, "days", "outcome-days")} type="number" min={0} value={days} onInput={(e) => setDays(e.currentTarget.value)} />
            <FieldError problem={problem} name="days" id="outcome-days" />
          </div>
          <div>
            <label for="outcome-approach">Approach</label>
            <select id="outcome-approach" value={approach} onChange={(e) => setApproach(e.currentTarget.value as Schemas["Approach"] | "")}>
              <option value="">Not said</option>
              <option value="preventative">Preventative</option>
              <option value="responsive">Responsive</option>
            </select>
          </div>
        </div>
        <fieldset>
          <legend>Slots</legend>
          {slots.map((slot, index) => {
            const id = `slot-${index}`;
            const name = `slots[${index}]`;
            return (
              <div class="grid slot-row" key={index}>
                <div>
                  <label for={`${id}-role`}>Role of slot {index + 1}</label>
                  <select {...errorProps(problem, `${name}.role_id`, `${id}-role`)} value={slot.role_id} onChange={(e) => setSlot(index, { role_id: e.currentTarget.value })}>
                    {roles.map((role) => (
                      <option key={role.id} value={role.id} selected={role.id === slot.role_id}>
                        {role.name}
                      </option>
                    ))}
                  </select>
                  <FieldError problem={problem} name={`${name}.role_id`} id={`${id}-role`} />
                </div>
                <div>
                  <label for={`${id}-count`}>People</label>
                  <input {...errorProps(problem, `${name}.count`, `${id}-count`)} type="number" min={1} value={slot.count} onInput={(e) => setSlot(index, { count: numberOr(e.currentTarget.value, 0) })} />
                  <FieldError problem={problem} name={`${name}.count`} id={`${id}-count`} />
                </div>
                <div>
                  <label for={`${id}-fte`}>FTE each</label>
                  <input {...errorProps(problem, `${name}.fte`, `${id}-fte`)} type="number" step={0.05} min={0} max={1} value={slot.fte} onInput={(e) => setSlot(index, { fte: numberOr(e.currentTarget.value, 0) })} />
                  <FieldError problem={problem} name={`${name}.fte`} id={`${id}-fte`} />
                </div>
                <div>
                  <label for={`${id}-fit`}>Minimum fit</label>
                  <input {...errorProps(problem, `${name}.min_fit`, `${id}-fit`)} type="number" step={0.05} min={0} max={1} value={slot.min_fit} onInput={(e) => setSlot(index, { min_fit: numberOr(e.currentTarget.value, 0) })} />
                  <FieldError problem={problem} name={`${name}.min_fit`} id={`${id}-fit`} />
                </div>
                <div>
                  <label for={`${id}-clearance`}>Clearance needed</label>
                  <input {...errorProps(problem, `${name}.clearance`, `${id}-clearance`)} value={slot.clearance} placeholder="e.g. dbs-enhanced" onInput={(e) => setSlot(index, { clearance: e.currentTarget.value })} />
                  <FieldError problem={problem} name={`${name}.clearance`} id={`${id}-clearance`} />
                </div>
                <div class="end">
                  <button type="button" class="small secondary" disabled={slots.length === 1} onClick={() => setSlots((list) => list.filter((_, at) => at !== index))}>
                    Remove slot {index + 1}
                  </button>
                </div>
              </div>
            );
          })}
          <button type="button" class="secondary" onClick={() => setSlots((list) => [...list, { role_id: roles[0]?.id ?? "navigator", count: 1, fte: 0.2, min_fit: 0.4, clearance: "" }])}>
            Add a slot
          </button>
          <FieldError problem={problem} name="slots" id="slots" exact />
        </fieldset>
        <fieldset>
          <legend>Measures (how the outcome's results are counted)</legend>
          {measures.map((measure, index) => {
            const id = `measure-${index}`;
            const name = `measures[${index}]`;
            return (
              <div class="grid slot-row" key={index}>
                <div>
                  <label for={`${id}-name`}>Measure {index + 1}</label>
                  <input {...errorProps(problem, `${name}.name`, `${id}-name`)} value={measure.name} onInput={(e) => setMeasure(index, { name: e.currentTarget.value })} />
                  <FieldError problem={problem} name={`${name}.name`} id={`${id}-name`} />
                </div>
                <div>
                  <label for={`${id}-unit`}>Unit</label>
                  <input id={`${id}-unit`} value={measure.unit} onInput={(e) => setMeasure(index, { unit: e.currentTarget.value })} />
                </div>
                <div>
                  <label for={`${id}-baseline`}>Baseline</label>
                  <input {...errorProps(problem, `${name}.baseline`, `${id}-baseline`)} type="number" value={measure.baseline} onInput={(e) => setMeasure(index, { baseline: numberOr(e.currentTarget.value, 0) })} />
                  <FieldError problem={problem} name={`${name}.baseline`} id={`${id}-baseline`} />
                </div>
                <div>
                  <label for={`${id}-target`}>Target</label>
                  <input {...errorProps(problem, `${name}.target`, `${id}-target`)} type="number" value={measure.target} onInput={(e) => setMeasure(index, { target: numberOr(e.currentTarget.value, 0) })} />
                  <FieldError problem={problem} name={`${name}.target`} id={`${id}-target`} />
                </div>
                <div>
                  <label for={`${id}-direction`}>Better when</label>
                  <select id={`${id}-direction`} value={measure.direction} onChange={(e) => setMeasure(index, { direction: e.currentTarget.value as Schemas["Direction"] })}>
                    <option value="higher_is_better">higher</option>
                    <option value="lower_is_better">lower</option>
                  </select>
                </div>
                <div class="end">
                  <button type="button" class="small secondary" onClick={() => setMeasures((list) => list.filter((_, at) => at !== index))}>
                    Remove measure {index + 1}
                  </button>
                </div>
              </div>
            );
          })}
          <button type="button" class="secondary" onClick={() => setMeasures((list) => [...list, { id: "", name: "", unit: "", baseline: 0, target: 0, direction: "higher_is_better" }])}>
            Add a measure
          </button>
        </fieldset>
        <fieldset>
          <legend>Pooled budget (contributions; their total is the budget)</legend>
          {contributions.map((item, index) => {
            const id = `contribution-${index}`;
            const name = `contributions[${index}]`;
            return (
              <div class="grid slot-row" key={index}>
                <div>
                  <label for={`${id}-organisation`}>Contributor {index + 1}</label>
                  <input {...errorProps(problem, `${name}.organisation`, `${id}-organisation`)} value={item.organisation} onInput={(e) => setContribution(index, { organisation: e.currentTarget.value })} />
                  <FieldError problem={problem} name={`${name}.organisation`} id={`${id}-organisation`} />
                </div>
                <div>
                  <label for={`${id}-sector`}>Their sector</label>
                  <select id={`${id}-sector`} value={item.sector} onChange={(e) => setContribution(index, { sector: e.currentTarget.value as Sector })}>
                    {SECTORS.map((sector) => (
                      <option key={sector} value={sector}>
                        {sectorName(sector)}
                      </option>
                    ))}
                  </select>
                </div>
                <div>
                  <label for={`${id}-amount`}>Amount (£)</label>
                  <input {...errorProps(problem, `${name}.amount`, `${id}-amount`)} type="number" min={0} value={item.amount} onInput={(e) => setContribution(index, { amount: numberOr(e.currentTarget.value, 0) })} />
                  <FieldError problem={problem} name={`${name}.amount`} id={`${id}-amount`} />
                </div>
                <div>
                  <label for={`${id}-restricted`}>Pays only staff of</label>
                  <select id={`${id}-restricted`} value={item.restricted_to ?? ""} onChange={(e) => setContribution(index, { restricted_to: (e.currentTarget.value || null) as Sector | null })}>
                    <option value="">any sector</option>
                    {SECTORS.map((sector) => (
                      <option key={sector} value={sector}>
                        {sectorName(sector)}
                      </option>
                    ))}
                  </select>
                </div>
                <div class="end">
                  <button type="button" class="small secondary" onClick={() => setContributions((list) => list.filter((_, at) => at !== index))}>
                    Remove contributor {index + 1}
                  </button>
                </div>
              </div>
            );
          })}
          <button type="button" class="secondary" onClick={() => setContributions((list) => [...list, { organisation: "", sector: "public", amount: 0, restricted_to: null }])}>
            Add a contribution
          </button>
        </fieldset>
        <fieldset>
          <legend>Team rules</legend>
          <div class="grid">
            <div>
              <label for="rule-sectors">Minimum distinct sectors</label>
              <input {...errorProps(problem, "rules.min_sectors", "rule-sectors")} type="number" min={0} max={4} value={minSectors} onInput={(e) => setMinSectors(e.currentTarget.value)} />
              <FieldError problem={problem} name="rules.min_sectors" id="rule-sectors" />
            </div>
            <div>
              <label for="rule-share">Largest share of one sector (0 to 1; 0 for none)</label>
              <input {...errorProps(problem, "rules.max_sector_share", "rule-share")} type="number" step={0.05} min={0} max={1} value={maxShare} onInput={(e) => setMaxShare(e.currentTarget.value)} />
              <FieldError problem={problem} name="rules.max_sector_share" id="rule-share" />
            </div>
            <div>
              <label for="rule-community">Minimum community members</label>
              <input {...errorProps(problem, "rules.min_community_members", "rule-community")} type="number" min={0} value={minCommunity} onInput={(e) => setMinCommunity(e.currentTarget.value)} />
              <FieldError problem={problem} name="rules.min_community_members" id="rule-community" />
            </div>
            <div>
              <label for="rule-locality">Locality rule</label>
              <select id="rule-locality" value={localityRule} onChange={(e) => setLocalityRule(e.currentTarget.value as Schemas["LocalityRule"])}>
                <option value="any">Anyone</option>
                <option value="prefer_local">Prefer local people</option>
                <option value="local_only">Local people only</option>
              </select>
            </div>
          </div>
        </fieldset>
        <button type="submit" disabled={create.running}>
          Commission
        </button>
        <Working active={create.running} label="Commissioning" />
        <ProblemNotice problem={problem} shownFields={FORM_FIELDS} />
        {created ? (
          <p class="notice success" role="status">
            Commissioned “{created.title}”; it is ticked above, ready to propose.
          </p>
        ) : null}
      </form>
    </details>
  );
}
