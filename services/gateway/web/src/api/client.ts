// The typed client of the public /v1 API, generated from the gateway's own
// OpenAPI document (npm run generate-client): a contract change breaks the build.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { session } from "../session";

export type Schemas = components["schemas"];
export type Paths = paths;

export const api = createClient<paths>({ baseUrl: "" });

const withKey: Middleware = {
  onRequest({ request }) {
    const key = session.key();
    if (key) request.headers.set("Authorization", `Bearer ${key}`);
    return request;
  },
  onResponse({ response }) {
    // A key that is unknown, revoked or gone: back to sign-in, saying why.
    if (response.status === 401) session.expire("Your key was not accepted; sign in again.");
    return response;
  },
};
api.use(withKey);

export interface FieldProblem {
  field: string;
  message: string;
}

/** An RFC 9457 problem as the gateway sends it (application/problem+json). */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  errors: FieldProblem[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
}

export function problemOf(status: number, body: unknown): Problem {
  const found = (typeof body === "object" && body !== null ? body : {}) as Partial<Problem>;
  return {
    status,
    title: found.title ?? `HTTP ${status}`,
    detail:
      found.detail ??
      (status === 0 ? "The gateway did not answer; check the connection." : `The request failed (${status}).`),
    errors: Array.isArray(found.errors) ? found.errors : [],
  };
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer, or an ApiError carrying the problem. */
export async function ok<T>(pending: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await pending;
  } catch {
    throw new ApiError(problemOf(0, null));
  }
  if (answer.error !== undefined || !answer.response.ok) {
    throw new ApiError(problemOf(answer.response.status, answer.error));
  }
  return answer.data as T;
}

/** A GET of a CSV export, downloaded as a file (a plain link cannot carry the key). */
export async function download(path: string, query: Record<string, string>, filename: string): Promise<void> {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query)) if (value) url.searchParams.set(name, value);
  const response = await fetch(url, { headers: { Authorization: `Bearer ${session.key() ?? ""}` } });
  if (response.status === 401) session.expire("Your key was not accepted; sign in again.");
  if (!response.ok) throw new ApiError(problemOf(response.status, await response.json().catch(() => null)));
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  link.click();
  URL.revokeObjectURL(link.href);
}

export type CsvImportPath = "/v1/imports/people" | "/v1/imports/courses" | "/v1/imports/skills";
export type ImportReport = Schemas["ImportReport"];

/**
 * Uploads a CSV file with progress. fetch() cannot report upload progress, so
 * this one call uses XMLHttpRequest; its path and answer are typed by the schema.
 */
export function uploadCsv(
  path: CsvImportPath,
  file: Blob,
  onProgress: (sent: number, total: number) => void,
): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.setRequestHeader("Authorization", `Bearer ${session.key() ?? ""}`);
    request.setRequestHeader("Content-Type", "text/csv");
    request.responseType = "json";
    request.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    request.onload = () => {
      if (request.status === 401) session.expire("Your key was not accepted; sign in again.");
      if (request.status >= 200 && request.status < 300) resolve(request.response as ImportReport);
      else reject(new ApiError(problemOf(request.status, request.response)));
    };
    request.onerror = () => reject(new ApiError(problemOf(0, null)));
    request.send(file);
  });
}
