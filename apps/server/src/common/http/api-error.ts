import { HttpException } from '@nestjs/common';
import {
  type CatalogueErrorCode,
  type ErrorParams,
  type ErrorParamsArg,
  type ErrorParamsOf,
  type FieldProblem,
  errorMessage,
  errorStatus,
} from '@avisa/contracts';

/** A refusal with a stable code: the exception filter sends `code`, `params` and the English message built from them. */
export class ApiException extends HttpException {
  constructor(
    readonly code: string,
    readonly params: ErrorParams,
    message: string,
    status: number,
    readonly extra: { field?: string; retryAfterSeconds?: number } = {},
  ) {
    super({ message, retryAfterSeconds: extra.retryAfterSeconds }, status);
  }

  get field(): string | undefined {
    return this.extra.field;
  }
}

/** The exception to throw for a catalogue code; its status and English message come from the catalogue. */
export function apiError<C extends CatalogueErrorCode>(code: C, ...params: ErrorParamsArg<C>): ApiException {
  const values = (params[0] ?? {}) as ErrorParamsOf<C>;
  return new ApiException(code, values, errorMessage(code, ...([values] as ErrorParamsArg<C>)), errorStatus(code));
}

/** Like `apiError`, for a refusal about one field of the request (sent as `field`). */
export function fieldError<C extends CatalogueErrorCode>(
  field: string,
  code: C,
  ...params: ErrorParamsArg<C>
): ApiException {
  const values = (params[0] ?? {}) as ErrorParamsOf<C>;
  return new ApiException(code, values, errorMessage(code, ...([values] as ErrorParamsArg<C>)), errorStatus(code), {
    field,
  });
}

/** A 429 whose `Retry-After` the filter sets from `seconds`. */
export function retryLater<C extends CatalogueErrorCode>(
  seconds: number,
  code: C,
  ...params: ErrorParamsArg<C>
): ApiException {
  const values = (params[0] ?? {}) as ErrorParamsOf<C>;
  return new ApiException(code, values, errorMessage(code, ...([values] as ErrorParamsArg<C>)), errorStatus(code), {
    retryAfterSeconds: seconds,
  });
}

/** One field problem with its code, for `FieldValidationException`. */
export function fieldProblem<C extends CatalogueErrorCode>(
  field: string,
  code: C,
  ...params: ErrorParamsArg<C>
): FieldProblem {
  const values = (params[0] ?? {}) as ErrorParamsOf<C>;
  return { field, code, params: values, message: errorMessage(code, ...([values] as ErrorParamsArg<C>)) };
}
