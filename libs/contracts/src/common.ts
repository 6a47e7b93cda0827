import type { ErrorParams, FieldProblem } from './errors';

/** Every error body of the API. `code` and `params` are stable (see `ERROR_CATALOGUE`); `message` is their English. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  params: ErrorParams;
  /** The field at fault, when the refusal is about one field. */
  field?: string;
  /** Per-field problems for validation errors, keyed by the field's path (English messages). */
  fields?: Record<string, string[]>;
  /** The same problems with their codes and params, in the order they were found. */
  problems?: FieldProblem[];
  /** A line-by-line report, for a refused file import. */
  report?: unknown;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
