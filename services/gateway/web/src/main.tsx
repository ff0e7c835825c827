import { render } from "preact";
import { useEffect, useRef } from "preact/hooks";
import "./styles.css";
import { PAGES } from "./pages";
import { CandidatesPage } from "./pages/Candidates";
import { GapsPage } from "./pages/Gaps";
import { ImportsPage } from "./pages/Imports";
import { LearningPage } from "./pages/Learning";
import { PeoplePage } from "./pages/People";
import { SignInPage } from "./pages/SignIn";
import { TeamBuilderPage } from "./pages/TeamBuilder";
import { TrainingPage } from "./pages/Training";
import { href, navigate, useRoute } from "./router";
import { mayUse, session, signedIn } from "./session";
import { useSignal } from "./state";
import { forgetDirectory } from "./directory";

const VIEWS: Record<string, () => preact.JSX.Element> = {
  team: TeamBuilderPage,
  candidates: CandidatesPage,
  gaps: GapsPage,
  people: PeoplePage,
  training: TrainingPage,
  learning: LearningPage,
  imports: ImportsPage,
};

function App() {
  const user = useSignal(signedIn);
  const route = useRoute();
  const heading = useRef<HTMLElement>(null);
  const allowed = user ? PAGES.filter((page) => mayUse(user.scopes, page.scopes)) : [];
  const current = allowed.find((page) => page.path === route.page);

  useEffect(() => {
    if (!user && route.page !== "sign-in") navigate("sign-in");
    else if (user && !current && allowed[0]) navigate(allowed[0].path);
  }, [user, route.page, current]);

  useEffect(() => {
    // A new page takes focus at its main region, so keyboard and screen reader users start there.
    document.title = `${current?.label ?? "Sign in"} · Local Public Support`;
    heading.current?.focus();
  }, [current?.path, user === null]);

  const View = current ? VIEWS[current.path] : undefined;
  return (
    <>
      <a class="skip-link" href="#main" onClick={(event) => { event.preventDefault(); heading.current?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <p class="brand">Local Public Support</p>
        {user ? (
          <nav aria-label="Pages">
            <ul>
              {allowed.map((page) => (
                <li key={page.path}>
                  <a href={href(page.path)} aria-current={page.path === current?.path ? "page" : undefined}>
                    {page.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        {user ? (
          <div class="who">
            <span title={user.name}>Signed in: {user.scopes.join(", ")}</span>
            <button type="button" class="secondary" onClick={() => { forgetDirectory(); session.signOut(); }}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      <main id="main" ref={heading} tabIndex={-1}>
        {!user ? <SignInPage /> : View ? <View /> : allowed.length === 0 ? <p>This key may use none of these pages.</p> : null}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
