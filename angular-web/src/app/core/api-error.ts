import { HttpErrorResponse } from '@angular/common/http';
import { type ApiError, type ErrorParams, type FieldProblem, genericErrorCode } from '@avisa/contracts';
import { apiErrorText } from './api-error-text';

/** An API failure in the shape the screens show: a translated lead, the detail, and per-field problems. */
export interface ApiProblem {
  status: number;
  /** Translation key of the plain-words lead for this kind of failure; null when `detail` says it all. */
  leadKey: string | null;
  /** The server's stable code (see `ERROR_CATALOGUE`) and its params. */
  code: string;
  params: ErrorParams;
  /** The refusal in the app's language, or what the server said when the app does not know its code. */
  detail: string;
  /** Problems by field path, in the app's language where their codes are known. */
  fields: Record<string, string[]>;
  report?: unknown;
  retryAfterSeconds?: number;
}

export function toApiProblem(error: unknown): ApiProblem {
  if (!(error instanceof HttpErrorResponse)) {
    return {
      status: -1,
      leadKey: 'errors.unexpected',
      code: 'client.unexpected',
      params: {},
      detail: error instanceof Error ? error.message : '',
      fields: {},
    };
  }
  const body = (typeof error.error === 'object' && error.error ? error.error : {}) as Partial<ApiError>;
  const retry = Number(error.headers?.get('Retry-After'));
  const code = typeof body.code === 'string' ? body.code : genericErrorCode(error.status);
  const params = body.params ?? {};
  const message = error.status === 0 ? '' : typeof body.message === 'string' ? body.message : '';
  const problems = Array.isArray(body.problems) ? body.problems : null;
  const fields = problems ? translatedFields(problems) : (body.fields ?? {});
  const translated = problems ? Object.values(fields).flat().join(' ') : apiErrorText(code, params);
  return {
    status: error.status,
    // A known code is a whole sentence; validation keeps its "check the data" lead before the field problems.
    leadKey: translated && !problems ? null : leadKeyFor(error.status),
    code,
    params,
    detail: translated || message,
    fields,
    report: body.report,
    retryAfterSeconds: Number.isFinite(retry) && retry > 0 ? retry : undefined,
  };
}

function translatedFields(problems: FieldProblem[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const p of problems) (fields[p.field] ??= []).push(apiErrorText(p.code, p.params) ?? p.message);
  return fields;
}

/** A line of an import report (`{ line, code, params, message }`) in the app's language. */
export function reportLineText(problem: { code?: string; params?: ErrorParams; message: string }): string {
  return (problem.code && apiErrorText(problem.code, problem.params ?? {})) || problem.message;
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
