import { HttpErrorResponse } from '@angular/common/http';
import type { ApiError } from '@avisa/contracts';

/** An API failure in the shape the screens show: a translated lead, the server's detail, and per-field problems. */
export interface ApiProblem {
  status: number;
  /** Translation key of the plain-words lead for this kind of failure. */
  leadKey: string;
  /** What the server said, e.g. "name must be at most 64 characters". */
  detail: string;
  fields: Record<string, string[]>;
  report?: unknown;
  retryAfterSeconds?: number;
}

export function toApiProblem(error: unknown): ApiProblem {
  if (!(error instanceof HttpErrorResponse)) {
    return {
      status: -1,
      leadKey: 'errors.unexpected',
      detail: error instanceof Error ? error.message : '',
      fields: {},
    };
  }
  const body = (typeof error.error === 'object' && error.error ? error.error : {}) as Partial<ApiError>;
  const retry = Number(error.headers?.get('Retry-After'));
  return {
    status: error.status,
    leadKey: leadKeyFor(error.status),
    detail: error.status === 0 ? '' : typeof body.message === 'string' ? body.message : '',
    fields: body.fields ?? {},
    report: body.report,
    retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? retry : undefined,
  };
}

function leadKeyFor(status: number): string {
  if (status === 0) return 'errors.offline';
  if ([400, 401, 403, 404, 409, 413, 422, 429].includes(status)) return `errors.http${status}`;
  if (status >= 500) return 'errors.server';
  return 'errors.unexpected';
}

/** The problems the server reported for one field (matched by its path, e.g. "target.name"). */
export function fieldProblems(problem: ApiProblem | null, field: string): string[] {
  if (!problem) return [];
  return Object.entries(problem.fields)
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .flatMap(([, messages]) => messages);
}

/** With `responseType: 'text'` Angular leaves an error body as text; this parses it so `toApiProblem` sees the JSON. */
export function withJsonErrorBody(error: unknown): unknown {
  if (!(error instanceof HttpErrorResponse) || typeof error.error !== 'string') return error;
  try {
    return new HttpErrorResponse({
      error: JSON.parse(error.error) as unknown,
      headers: error.headers,
      status: error.status,
      statusText: error.statusText,
      url: error.url ?? undefined,
    });
  } catch {
    return error;
  }
}
