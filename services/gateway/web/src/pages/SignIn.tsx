import { useState } from "preact/hooks";
import { api, ApiError, ok, type Problem } from "../api/client";
import { ProblemNotice, Working } from "../components/ui";
import { session, signInNotice, type Scope } from "../session";
import { useSignal } from "../state";

export function SignInPage() {
  const notice = useSignal(signInNotice);
  const [key, setKey] = useState("");
  const [problem, setProblem] = useState<Problem | undefined>();
  const [busy, setBusy] = useState(false);

  async function signIn(event: Event) {
    event.preventDefault();
    setProblem(undefined);
    if (!key.trim()) {
      setProblem({ status: 422, title: "", detail: "Enter your API key.", errors: [] });
      return;
    }
    setBusy(true);
    session.begin(key.trim());
    try {
      const current = await ok(api.GET("/v1/keys/current"));
      session.confirm(current.scopes as Scope[], current.name);
    } catch (error) {
      session.signOut();
      const status = error instanceof ApiError ? error.problem.status : 0;
      setProblem(
        status === 401
          ? { status, title: "", detail: "That key was not accepted: it is unknown or revoked.", errors: [] }
          : error instanceof ApiError
            ? error.problem
            : undefined,
      );
    } finally {
      setBusy(false);
    }
  }

  // Beside the field: why the key was refused, or why the session ended.
  const beside = problem ? problem.status === 401 || problem.status === 422 : false;
  const message = problem ? (beside ? problem.detail : "") : notice;
  return (
    <div class="sign-in card">
      <h1>Sign in</h1>
      <p>Use the API key you were given. It is kept in this browser tab only, and forgotten when you sign out.</p>
      <form onSubmit={signIn} noValidate>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
          aria-invalid={message ? "true" : undefined}
          aria-describedby={message ? "api-key-error" : undefined}
        />
        {message ? (
          <p class="field-error" id="api-key-error" role="alert">
            {message}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <Working active={busy} label="Checking the key" />
      </form>
      {problem && !beside ? <ProblemNotice problem={problem} /> : null}
    </div>
  );
}
