import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import {
  type CatalogueErrorCode,
  type ErrorParamsArg,
  type FieldProblem,
  errorMessage,
  errorStatus,
} from '@avisa/contracts';
import { type CodedPayload } from './coded-payload';
import { RetryLaterException } from './retry-later.exception';

export { type CodedPayload, codedPayload } from './coded-payload';

type Build = (payload: CodedPayload) => HttpException;
// The usual Nest class of each status, so `instanceof NotFoundException` keeps working for callers and specs.
const BY_STATUS: Record<number, Build> = {
  400: (p) => new BadRequestException(p),
  401: (p) => new UnauthorizedException(p),
  403: (p) => new ForbiddenException(p),
  404: (p) => new NotFoundException(p),
  409: (p) => new ConflictException(p),
  413: (p) => new PayloadTooLargeException(p),
  415: (p) => new UnsupportedMediaTypeException(p),
  429: (p) => new RetryLaterException(p.message, p.retryAfterSeconds ?? 0, p),
};

/** The response of a coded refusal: `params` as a tuple, as the helpers below receive them. */
export function codedPayloadOf<C extends CatalogueErrorCode>(code: C, params: ErrorParamsArg<C>): CodedPayload {
  return { message: errorMessage(code, ...params), code, params: params[0] ?? {} };
}

function build(status: number, payload: CodedPayload): HttpException {
  return (BY_STATUS[status] ?? ((p: CodedPayload) => new HttpException(p, status)))(payload);
}

/** The exception to throw for a catalogue code; its status and English message come from the catalogue. */
export function apiError<C extends CatalogueErrorCode>(code: C, ...params: ErrorParamsArg<C>): HttpException {
  return build(errorStatus(code), codedPayloadOf(code, params));
}

/** Like `apiError`, for a refusal about one field of the request (sent as `field`). */
export function fieldError<C extends CatalogueErrorCode>(
  field: string,
  code: C,
  ...params: ErrorParamsArg<C>
): HttpException {
  return build(errorStatus(code), { ...codedPayloadOf(code, params), field });
}

/** A 429 whose `Retry-After` the filter sets from `seconds`. */
export function retryLater<C extends CatalogueErrorCode>(
  seconds: number,
  code: C,
  ...params: ErrorParamsArg<C>
): HttpException {
  return build(errorStatus(code), { ...codedPayloadOf(code, params), retryAfterSeconds: seconds });
}

/** One field problem with its code, for `FieldValidationException`. */
export function fieldProblem<C extends CatalogueErrorCode>(
  field: string,
  code: C,
  ...params: ErrorParamsArg<C>
): FieldProblem {
  return { field, ...codedPayloadOf(code, params) };
}
