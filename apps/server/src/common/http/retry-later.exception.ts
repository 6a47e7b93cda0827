import { HttpException, HttpStatus } from '@nestjs/common';
import type { CodedPayload } from './coded-payload';

/** 429 with the seconds to wait, which the exception filter sends as `Retry-After`; code `rate_limited` unless given. */
export class RetryLaterException extends HttpException {
  constructor(message: string, retryAfterSeconds: number, coded?: Pick<CodedPayload, 'code' | 'params'>) {
    const payload: CodedPayload = {
      message,
      code: coded?.code ?? 'rate_limited',
      params: coded?.params ?? { seconds: retryAfterSeconds },
      retryAfterSeconds,
    };
    super(payload, HttpStatus.TOO_MANY_REQUESTS);
  }
}
