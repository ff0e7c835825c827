import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, problemOf, type Problem } from "../api/client";

function asProblem(error: unknown): Problem {
  return error instanceof ApiError ? error.problem : problemOf(0, null);
}

export interface Loaded<T> {
  data: T | undefined;
  problem: Problem | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads on mount and whenever deps change; a late answer to an old request is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; problem?: Problem; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    setState((previous) => ({ ...previous, loading: true, problem: undefined }));
    load().then(
      (data) => ticket === latest.current && setState({ data, loading: false }),
      (error: unknown) => ticket === latest.current && setState({ problem: asProblem(error), loading: false }),
    );
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data: state.data, problem: state.problem, loading: state.loading, reload };
}

export interface Action<A extends unknown[], T> {
  run: (...args: A) => Promise<T | undefined>;
  running: boolean;
  problem: Problem | undefined;
  result: T | undefined;
  clear: () => void;
}

/** A user's action (a POST): running while it is in flight, its problem beside the form. */
export function useAction<A extends unknown[], T>(act: (...args: A) => Promise<T>): Action<A, T> {
  const [running, setRunning] = useState(false);
  const [problem, setProblem] = useState<Problem | undefined>();
  const [result, setResult] = useState<T | undefined>();
  const run = useCallback(
    async (...args: A) => {
      setRunning(true);
      setProblem(undefined);
      try {
        const answer = await act(...args);
        setResult(answer);
        return answer;
      } catch (error) {
        setProblem(asProblem(error));
        return undefined;
      } finally {
        setRunning(false);
      }
    },
    [act],
  );
  const clear = useCallback(() => {
    setProblem(undefined);
    setResult(undefined);
  }, []);
  return { run, running, problem, result, clear };
}
