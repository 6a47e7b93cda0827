import { HttpStatus } from '@nestjs/common';
import { ApiException } from './api-error';

/** 429 with the seconds to wait, which the exception filter sends as `Retry-After`; code `rate_limited`. */
export class RetryLaterException extends ApiException {
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', { seconds: retryAfterSeconds }, message, HttpStatus.TOO_MANY_REQUESTS, { retryAfterSeconds });
  }
}
