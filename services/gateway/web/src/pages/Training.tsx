import { useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { useAction, useLoad } from "../components/async";
import { Bar, errorProps, FieldError, ProblemNotice, Section, Working, money, today } from "../components/ui";
import { allOutcomes, roleName, usePeople, useRoles } from "../directory";
import { href } from "../router";

type Plan = Schemas["TrainingPlan"];

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export function TrainingPage() {
  const outcomes = useLoad(() => allOutcomes(), []);
  const plans = useLoad(() => ok(api.GET("/v1/training/plans", { params: { query: { page_size: 10 } } })), []);
  const [chosen, setChosen] = useState<string[]>([]);
  const [budget, setBudget] = useState("5000");
  const [deadline, setDeadline] = useState(inDays(30));
  const [plan, setPlan] = useState<Plan | undefined>();
  const make = useAction((body: Schemas["PlanRequest"]) => ok(api.POST("/v1/training/plans", { body })));

  async function submit(event: Event) {
    event.preventDefault();
    const answer = await make.run({ outcome_ids: chosen, budget: Number(budget), deadline, options: { time_limit_s: 10 } });
    if (answer) {
      setPlan(answer);
      plans.reload();
    }
  }

  const problem = make.problem;
  return (
    <>
      <h1>Training</h1>
      <form class="card" onSubmit={submit} noValidate>
        <h2>Plan training</h2>
        <fieldset>
          <legend>Outcomes to train for (none ticked: every open outcome)</legend>
          <Working active={outcomes.loading} label="Loading outcomes" />
          <ul class="choices">
            {(outcomes.data ?? []).map((outcome) => (
              <li key={outcome.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.includes(outcome.id)}
                    onChange={(e) => {
                      const on = e.currentTarget.checked;
                      setChosen((list) => (on ? [...list, outcome.id] : list.filter((id) => id !== outcome.id)));
                    }}
                  />
                  {outcome.title}
                </label>
              </li>
            ))}
          </ul>
          <FieldError problem={problem} name="outcome_ids" id="plan-outcomes" />
        </fieldset>
        <div class="grid">
          <div>
            <label for="plan-budget">Budget (£)</label>
            <input {...errorProps(problem, "budget", "plan-budget")} type="number" min={0} value={budget} onInput={(e) => setBudget(e.currentTarget.value)} />
            <FieldError problem={problem} name="budget" id="plan-budget" />
          </div>
          <div>
            <label for="plan-deadline">Deadline</label>
            <input {...errorProps(problem, "deadline", "plan-deadline")} type="date" value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />
            <FieldError problem={problem} name="deadline" id="plan-deadline" />
          </div>
        </div>
        <button type="submit" disabled={make.running}>
          Make plan
        </button>
        <Working active={make.running} label="Planning training and checking it against staffing" />
        <ProblemNotice problem={problem} shownFields={["budget", "deadline", "outcome_ids"]} />
      </form>

      {plan ? <PlanView plan={plan} onChange={setPlan} /> : null}

      <Section title="Recent plans" id="plans">
        <Working active={plans.loading} label="Loading plans" />
        <ProblemNotice problem={plans.problem} onRetry={plans.reload} />
        {plans.data && plans.data.items.length === 0 ? <p>No plans yet.</p> : null}
        <ul>
          {(plans.data?.items ?? []).map((p) => (
            <li key={p.id}>
              <button type="button" class="link" onClick={() => setPlan(p)}>
                Plan of {p.created_at.slice(0, 10)}: {p.enrolment_count} enrolments, {money(p.total_cost)}
              </button>
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}

function PlanView({ plan, onChange }: { plan: Plan; onChange: (plan: Plan) => void }) {
  const roles = useRoles();
  const { people } = usePeople(plan.fillable.map((f) => f.person_id));
  const [completedOn, setCompletedOn] = useState(today());
  const record = useAction((completion: Schemas["Completion"]) =>
    ok(api.POST("/v1/training/plans/{plan_id}/completions", { params: { path: { plan_id: plan.id } }, body: completion })),
  );
  const [recorded, setRecorded] = useState("");

  async function complete(personId: string, courseId: string, name: string) {
    const answer = await record.run({ person_id: personId, course_id: courseId, completed_on: completedOn });
    if (answer) {
      setRecorded(`Recorded: ${name} completed ${courseId}; their level is set.`);
      onChange(answer);
    }
  }

  const check = plan.check;
  return (
    <section class="card" aria-labelledby="plan-title">
      <h2 id="plan-title">Plan {plan.id.slice(0, 8)}</h2>
      <div class="team-summary">
        <div>
          <h3>Cost</h3>
          <Bar neutral value={plan.total_cost} max={plan.budget} label="cost" text={`${money(plan.total_cost)} of ${money(plan.budget)}`} />
        </div>
        <div>
          <h3>Demand made staffable</h3>
          <Bar neutral value={plan.staffable_demand} max={Math.max(plan.open_demand, 0.0001)} label="staffable" text={`${plan.staffable_demand.toFixed(1)} of ${plan.open_demand.toFixed(1)} open`} />
        </div>
      </div>
      {check.holds ? (
        <p class="notice success">
          Checked: staffing with the new levels fills {check.filled_places} of the {check.claimed_places} places this plan claims.
        </p>
      ) : (
        <div class="notice warning" role="alert">
          <p>
            <strong>The check does not hold:</strong> staffing with the new levels fills {check.filled_places} of the{" "}
            {check.claimed_places} places this plan claims.
          </p>
          <ul>
            {check.slots
              .filter((slot) => slot.filled < slot.claimed)
              .map((slot) => (
                <li key={`${slot.outcome_id}:${slot.role_id}`}>
                  {roleName(roles, slot.role_id)} on {slot.outcome_id}: {slot.filled} of {slot.claimed} filled
                </li>
              ))}
          </ul>
        </div>
      )}
      <h3>Enrolments</h3>
      <div class="row">
        <label for="completed-on">Completed on</label>
        <input id="completed-on" type="date" value={completedOn} onInput={(e) => setCompletedOn(e.currentTarget.value)} />
      </div>
      {recorded ? (
        <p class="notice success" role="status">
          {recorded}
        </p>
      ) : null}
      <Working active={record.running} label="Recording the completion" />
      <ProblemNotice problem={record.problem} />
      {plan.people.length === 0 ? <p>Nobody needs training within this budget and deadline.</p> : null}
      <table>
        <caption class="visually-hidden">Enrolments of the plan</caption>
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Course</th>
            <th scope="col">Skill</th>
            <th scope="col">Dates</th>
            <th scope="col">Cost</th>
            <th scope="col">Completed</th>
          </tr>
        </thead>
        <tbody>
          {plan.people.flatMap((person) =>
            person.enrolments.map((e) => (
              <tr key={`${person.person_id}:${e.course_id}`}>
                <td>
                  <a href={href("people", { id: person.person_id })}>{person.name}</a>
                </td>
                <td>{e.course_title}</td>
                <td>
                  {e.skill_id} {e.from_level} → {e.to_level}
                </td>
                <td>{e.run_start ? `${e.run_start} to ${e.run_end ?? ""}` : "on demand"}</td>
                <td>{money(e.cost)}</td>
                <td>
                  {e.completed_on ? (
                    `on ${e.completed_on}`
                  ) : (
                    <button type="button" class="small" disabled={record.running} onClick={() => complete(person.person_id, e.course_id, person.name)}>
                      Record completion<span class="visually-hidden"> for {person.name}: {e.course_title}</span>
                    </button>
                  )}
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      <h3>Places made fillable</h3>
      {plan.fillable.length === 0 ? <p>None.</p> : null}
      <ul>
        {plan.fillable.map((f) => (
          <li key={`${f.outcome_id}:${f.role_id}:${f.person_id}`}>
            {people.get(f.person_id)?.name ?? f.person_id} as {roleName(roles, f.role_id)} on {f.outcome_id}: fit {f.fit_before.toFixed(2)} →{" "}
            {f.fit_after.toFixed(2)}
          </li>
        ))}
      </ul>
      {plan.unmet.length > 0 ? (
        <>
          <h3>Still unmet</h3>
          <ul>
            {plan.unmet.map((u) => (
              <li key={`${u.outcome_id}:${u.subject_id}:${u.kind}`}>
                {u.count} × {u.subject_id} on {u.outcome_id}: {u.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
