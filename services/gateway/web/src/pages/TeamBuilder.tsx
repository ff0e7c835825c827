import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, ok, type Schemas } from "../api/client";
import { useAction, useLoad } from "../components/async";
import { Bar, ProblemNotice, Section, Working, money, sectorName } from "../components/ui";
import { allOutcomes, roleName, usePeople, useRoles } from "../directory";
import { href } from "../router";
import { CommissionForm } from "./CommissionForm";
import { OutcomeResults } from "./OutcomeResults";

type Proposal = Schemas["Proposal"];
type Pin = Schemas["Pin"];
type Outcome = Schemas["Outcome"];
type Teamwork = "" | "collaboration" | "new_connections";

/** Optional soft terms of the staffing model, off by default. */
const TEAMWORK: { value: Teamwork; label: string }[] = [
  { value: "", label: "No preference" },
  { value: "collaboration", label: "People who worked together on outcomes that were met" },
  { value: "new_connections", label: "People who have not worked together yet" },
];

const STATUS_WORDS: Record<string, string> = {
  optimal: "The best team possible under these rules.",
  feasible: "A good team; the solver stopped before proving it the best.",
  timed_out: "The time limit ran out; this is the best team found.",
  infeasible: "No team meets every rule; the conflicting rules are listed below.",
};

/** Counts seconds up to the time limit while the solver runs. */
function SolveProgress({ limit }: { limit: number }) {
  const [elapsed, setElapsed] = useState(0);
  useEffect(() => {
    const started = performance.now();
    const timer = window.setInterval(() => setElapsed((performance.now() - started) / 1000), 200);
    return () => window.clearInterval(timer);
  }, []);
  return (
    <div class="progress-line" role="status">
      <label for="solve-progress">
        Solving… {Math.min(elapsed, limit).toFixed(0)} s of at most {limit} s
      </label>
      <progress id="solve-progress" max={limit} value={Math.min(elapsed, limit)} />
    </div>
  );
}

export function TeamBuilderPage() {
  const roles = useRoles();
  const outcomes = useLoad(() => allOutcomes(true), []);
  const [chosen, setChosen] = useState<string[]>([]);
  const [pins, setPins] = useState<Pin[]>([]);
  const [exclusions, setExclusions] = useState<string[]>([]);
  const [timeLimit, setTimeLimit] = useState(5);
  const [teamwork, setTeamwork] = useState<Teamwork>("");
  const [committed, setCommitted] = useState<string>("");
  const resultHeading = useRef<HTMLHeadingElement>(null);

  const propose = useAction((body: Schemas["ProposalRequest"]) => ok(api.POST("/v1/staffing/proposals", { body })));
  const whatIf = useAction((personId: string) =>
    ok(
      api.POST("/v1/staffing/proposals", {
        body: { outcome_ids: chosen, pins, exclusions, time_limit_s: timeLimit, what_if: { remove_person_ids: [personId] } },
      }),
    ).then((answer) => ({ personId, answer })),
  );
  const commit = useAction((id: string) =>
    ok(api.POST("/v1/staffing/proposals/{proposal_id}/commit", { params: { path: { proposal_id: id } } })),
  );

  const proposal = propose.result;
  const byId = useMemo(() => new Map((outcomes.data ?? []).map((o) => [o.id, o])), [outcomes.data]);

  async function runPropose(event?: Event) {
    event?.preventDefault();
    setCommitted("");
    commit.clear();
    whatIf.clear();
    const weights = teamwork ? { [teamwork]: 1 } : undefined;
    await propose.run({ outcome_ids: chosen, pins, exclusions, time_limit_s: timeLimit, mode: "soft", weights });
  }

  async function runCommit() {
    if (!proposal?.id) return;
    const answer = await commit.run(proposal.id);
    if (answer) setCommitted(proposal.id);
  }

  function toggle(id: string, on: boolean) {
    setChosen((list) => (on ? [...list, id] : list.filter((other) => other !== id)));
  }

  function pin(assignment: Schemas["Assignment"]) {
    setPins((list) => [
      ...list.filter((p) => !(p.person_id === assignment.person_id && p.outcome_id === assignment.outcome_id)),
      { person_id: assignment.person_id, outcome_id: assignment.outcome_id, role_id: assignment.role_id },
    ]);
    setExclusions((list) => list.filter((id) => id !== assignment.person_id));
  }

  function exclude(personId: string) {
    setExclusions((list) => (list.includes(personId) ? list : [...list, personId]));
    setPins((list) => list.filter((p) => p.person_id !== personId));
  }

  const ids = [
    ...(proposal?.teams.flatMap((team) => team.assignments.map((a) => a.person_id)) ?? []),
    ...pins.map((p) => p.person_id),
    ...exclusions,
    ...(whatIf.result ? [whatIf.result.personId, ...(whatIf.result.answer.diff?.added ?? []).map((a) => a.person_id)] : []),
  ];
  const { people, ready } = usePeople(ids);
  // The team is shown once its names are in, so that every label is final when it appears.
  const teamIds = proposal?.teams.flatMap((team) => team.assignments.map((a) => a.person_id)) ?? [];
  const namesReady = ready || teamIds.every((id) => people.has(id));
  const focused = useRef<Proposal | undefined>();
  useEffect(() => {
    if (proposal && namesReady && focused.current !== proposal) {
      focused.current = proposal;
      resultHeading.current?.focus();
    }
  }, [proposal, namesReady]);
  const nameOf = (id: string) => people.get(id)?.name ?? id;

  return (
    <>
      <h1>Team builder</h1>
      <Section title="Outcomes to staff" id="outcomes">
        <Working active={outcomes.loading} label="Loading outcomes" />
        <ProblemNotice problem={outcomes.problem} onRetry={outcomes.reload} />
        <form onSubmit={runPropose} aria-describedby="propose-help">
          <fieldset>
            <legend>Pick one or more outcomes</legend>
            {(outcomes.data ?? []).length === 0 && !outcomes.loading ? <p>No outcomes yet: commission one below.</p> : null}
            <ul class="choices">
              {(outcomes.data ?? []).filter((outcome) => outcome.state !== "closed").map((outcome) => (
                <li key={outcome.id}>
                  <label>
                    <input
                      type="checkbox"
                      checked={chosen.includes(outcome.id)}
                      onChange={(event) => toggle(outcome.id, event.currentTarget.checked)}
                    />
                    {outcome.title} <span class="muted">({outcome.locality || "any locality"}, budget {money(outcome.budget)})</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <PinsAndExclusions
            pins={pins}
            exclusions={exclusions}
            nameOf={nameOf}
            outcomeTitle={(id) => byId.get(id)?.title ?? id}
            roleName={(id) => roleName(roles, id)}
            unpin={(p) => setPins((list) => list.filter((other) => other !== p))}
            include={(id) => setExclusions((list) => list.filter((other) => other !== id))}
          />
          <div class="row">
            <label for="teamwork">Prefer</label>
            <select id="teamwork" value={teamwork} onChange={(event) => setTeamwork(event.currentTarget.value as Teamwork)}>
              {TEAMWORK.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div class="row">
            <label for="time-limit">Time limit (seconds)</label>
            <input
              id="time-limit"
              type="number"
              min={1}
              max={60}
              value={timeLimit}
              onInput={(event) => setTimeLimit(Number(event.currentTarget.value) || 5)}
            />
            <button type="submit" disabled={chosen.length === 0 || propose.running}>
              Propose
            </button>
          </div>
          <p id="propose-help" class="muted">
            Pins and exclusions made from a proposal below apply when you propose again.
          </p>
        </form>
        {propose.running ? <SolveProgress limit={timeLimit} /> : null}
        <ProblemNotice problem={propose.problem} />
      </Section>

      <CommissionForm
        roles={roles}
        onCreated={(outcome: Outcome) => {
          outcomes.reload();
          setChosen((list) => [...list, outcome.id]);
        }}
      />

      <OutcomeResults outcomes={outcomes.data ?? []} onClosed={() => outcomes.reload()} />

      {proposal && !namesReady ? <Working active label="Reading the team's names" /> : null}
      {proposal && namesReady ? (
        <section class="card" aria-labelledby="proposal-title">
          <h2 id="proposal-title" ref={resultHeading} tabIndex={-1}>
            Proposal: {proposal.status ?? "unknown"}
          </h2>
          <p>{STATUS_WORDS[proposal.status ?? ""] ?? ""}</p>
          <p class="muted">
            Objective {proposal.objective.toFixed(2)}, bound {proposal.bound.toFixed(2)}, solved in{" "}
            {proposal.solve_seconds.toFixed(1)} s.
          </p>
          {proposal.conflicts.length > 0 ? (
            <div class="notice warning" role="alert">
              <h3>Rules that cannot all hold</h3>
              <ul>
                {proposal.conflicts.map((conflict) => (
                  <li key={conflict.rule}>
                    <strong>{conflict.rule.replace(/_/g, " ")}</strong>: {conflict.detail}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {proposal.fairness_notes.length > 0 ? (
            <div class="notice info" role="status">
              <h3>Spreading the work</h3>
              <ul>
                {proposal.fairness_notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {proposal.teams.map((team) => (
            <TeamView
              key={team.outcome_id}
              team={team}
              outcome={byId.get(team.outcome_id)}
              roles={roles}
              people={people}
              pins={pins}
              onPin={pin}
              onExclude={exclude}
              onWhatIf={(id) => whatIf.run(id)}
              whatIfRunning={whatIf.running}
            />
          ))}
          {whatIf.running ? <Working active label="Working out the team without that person" /> : null}
          <ProblemNotice problem={whatIf.problem} />
          {whatIf.result ? <WhatIfView personName={nameOf(whatIf.result.personId)} proposal={whatIf.result.answer} nameOf={nameOf} roles={roles} /> : null}
          <div class="row">
            <button type="button" onClick={runCommit} disabled={!proposal.id || commit.running || committed === proposal.id || proposal.status === "infeasible"}>
              Commit
            </button>
            <Working active={commit.running} label="Committing" />
          </div>
          {committed === proposal.id ? (
            <p class="notice success" role="status">
              Committed: these people are now staffed on the outcomes.
            </p>
          ) : null}
          {commit.problem ? (
            <div class="notice error" role="alert">
              <p>
                <strong>Not committed.</strong> {commit.problem.status === 409 ? `${commit.problem.detail} Propose again to get a current team.` : commit.problem.detail}
              </p>
            </div>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

function PinsAndExclusions(props: {
  pins: Pin[];
  exclusions: string[];
  nameOf: (id: string) => string;
  outcomeTitle: (id: string) => string;
  roleName: (id: string) => string;
  unpin: (pin: Pin) => void;
  include: (id: string) => void;
}) {
  if (props.pins.length === 0 && props.exclusions.length === 0) return null;
  return (
    <div class="pins">
      {props.pins.length > 0 ? (
        <>
          <h3>Pinned</h3>
          <ul>
            {props.pins.map((p) => (
              <li key={`${p.person_id}:${p.outcome_id}`}>
                {props.nameOf(p.person_id)} as {props.roleName(p.role_id)} on {props.outcomeTitle(p.outcome_id)}{" "}
                <button type="button" class="link" onClick={() => props.unpin(p)}>
                  Unpin {props.nameOf(p.person_id)}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {props.exclusions.length > 0 ? (
        <>
          <h3>Excluded</h3>
          <ul>
            {props.exclusions.map((id) => (
              <li key={id}>
                {props.nameOf(id)}{" "}
                <button type="button" class="link" onClick={() => props.include(id)}>
                  Include {props.nameOf(id)} again
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function TeamView(props: {
  team: Schemas["Team"];
  outcome: Outcome | undefined;
  roles: Schemas["Role"][];
  people: Map<string, Schemas["Person"]>;
  pins: Pin[];
  onPin: (assignment: Schemas["Assignment"]) => void;
  onExclude: (personId: string) => void;
  onWhatIf: (personId: string) => void;
  whatIfRunning: boolean;
}) {
  const { team, outcome, roles, people } = props;
  const slots = outcome?.slots ?? [...new Set(team.assignments.map((a) => a.role_id))].map((role_id) => ({ role_id, count: 0 }));
  const sectors = new Map<string, number>();
  for (const a of team.assignments) sectors.set(sectorName(a.sector), (sectors.get(sectorName(a.sector)) ?? 0) + 1);
  const size = team.assignments.length;
  const budget = outcome?.budget ?? 0;
  const title = outcome?.title ?? team.outcome_id;
  return (
    <article class="team" aria-label={`Team for ${title}`}>
      <h3>{title}</h3>
      <div class="team-summary">
        <div>
          <h4>Budget</h4>
          {budget > 0 ? (
            <Bar neutral value={team.cost} max={budget} label="Budget used" text={`${money(team.cost)} of ${money(budget)}`} />
          ) : (
            <p>{money(team.cost)} (no budget set)</p>
          )}
          {team.contributions.length > 0 ? (
            <ul class="plain">
              {team.contributions.map((c) => (
                <li key={`${c.organisation}:${c.sector ?? ""}`}>
                  <Bar
                    neutral
                    value={c.used}
                    max={c.amount}
                    label={`Used of ${c.organisation}'s contribution`}
                    text={`${c.organisation}: ${money(c.used)} of ${money(c.amount)}${c.restricted_to ? ` (${sectorName(c.restricted_to)} staff only)` : ""}`}
                  />
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div>
          <h4>Sector mix</h4>
          {size === 0 ? (
            <p>Nobody placed.</p>
          ) : (
            <ul class="plain">
              {[...sectors.entries()].map(([sector, count]) => (
                <li key={sector}>
                  <Bar neutral value={count} max={size} label={sector} text={`${sector}: ${count} of ${size}`} />
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      {slots.map((slot) => {
        const placed = team.assignments.filter((a) => a.role_id === slot.role_id);
        const open = team.unfilled.filter((u) => u.role_id === slot.role_id);
        return (
          <div class="slot" key={slot.role_id}>
            <h4>
              {roleName(roles, slot.role_id)} <span class="muted">({placed.length} of {slot.count || placed.length} placed)</span>
            </h4>
            {placed.length > 0 ? (
              <table class="placed">
                <caption class="visually-hidden">
                  {roleName(roles, slot.role_id)} places on {title}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Sector</th>
                    <th scope="col">Fit</th>
                    <th scope="col">Cost</th>
                    <th scope="col">Why</th>
                    <th scope="col">Change</th>
                  </tr>
                </thead>
                <tbody>
                  {placed.map((a) => {
                    const name = people.get(a.person_id)?.name ?? a.person_id;
                    const pinned = props.pins.some((p) => p.person_id === a.person_id && p.outcome_id === a.outcome_id);
                    return (
                      <tr key={a.person_id}>
                        <td>
                          <a href={href("people", { id: a.person_id })}>{name}</a>
                        </td>
                        <td>{sectorName(a.sector)}</td>
                        <td>
                          <Bar value={a.fit} label="fit" />
                        </td>
                        <td>{money(a.cost)}</td>
                        <td>
                          <ul class="reasons">
                            {a.development ? (
                              <li>
                                <strong>Development placement</strong>: learns {a.learns_skill_ids.join(", ")} from the team's expert
                              </li>
                            ) : null}
                            {a.reasons.map((reason) => (
                              <li key={reason}>{reason}</li>
                            ))}
                          </ul>
                        </td>
                        <td class="actions">
                          <button type="button" class="small" disabled={pinned} onClick={() => props.onPin(a)}>
                            {pinned ? `${name} pinned` : `Pin ${name}`}
                          </button>
                          <button type="button" class="small secondary" onClick={() => props.onExclude(a.person_id)}>
                            Exclude {name}
                          </button>
                          <button type="button" class="small secondary" disabled={props.whatIfRunning} onClick={() => props.onWhatIf(a.person_id)}>
                            What if {name} leaves?
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ) : null}
            {open.map((u) => (
              <p class="open-place" key={u.reason}>
                <strong>
                  {u.count} {u.count === 1 ? "place" : "places"} left open:
                </strong>{" "}
                {u.reason}
              </p>
            ))}
          </div>
        );
      })}
    </article>
  );
}

function WhatIfView(props: { personName: string; proposal: Proposal; nameOf: (id: string) => string; roles: Schemas["Role"][] }) {
  const diff = props.proposal.diff;
  return (
    <div class="notice info" role="status">
      <h3>If {props.personName} leaves</h3>
      {diff ? (
        <>
          <p>
            The objective changes by {diff.objective_delta.toFixed(2)};{" "}
            {diff.unfilled_delta === 0
              ? "no more places are left open."
              : diff.unfilled_delta > 0
                ? `${diff.unfilled_delta} more ${diff.unfilled_delta === 1 ? "place is" : "places are"} left open.`
                : `${-diff.unfilled_delta} fewer places are left open.`}
          </p>
          <ul>
            {diff.removed.map((a) => (
              <li key={`out:${a.person_id}:${a.outcome_id}`}>
                Out: {props.nameOf(a.person_id)} as {roleName(props.roles, a.role_id)}
              </li>
            ))}
            {diff.added.map((a) => (
              <li key={`in:${a.person_id}:${a.outcome_id}`}>
                In: {props.nameOf(a.person_id)} as {roleName(props.roles, a.role_id)} (fit {a.fit.toFixed(2)})
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>Status of the team without them: {props.proposal.status}.</p>
      )}
    </div>
  );
}
