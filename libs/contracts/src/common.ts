export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  /** Per-field problems for validation errors, keyed by the field's path. */
  fields?: Record<string, string[]>;
  /** A line-by-line report, for a refused file import. */
  report?: unknown;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
