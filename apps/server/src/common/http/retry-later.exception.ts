import { HttpException, HttpStatus } from '@nestjs/common';
import type { CodedPayload } from './api-error';

/** 429 with the seconds to wait, which the exception filter sends as `Retry-After`; code `rate_limited`. */
export class RetryLaterException extends HttpException {
  constructor(message: string, retryAfterSeconds: number) {
    const payload: CodedPayload = {
      message,
      code: 'rate_limited',
      params: { seconds: retryAfterSeconds },
      retryAfterSeconds,
    };
    super(payload, HttpStatus.TOO_MANY_REQUESTS);
  }
}
