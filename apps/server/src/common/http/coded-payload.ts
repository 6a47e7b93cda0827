import type { HttpException } from '@nestjs/common';
import type { ErrorParams } from '@avisa/contracts';

/** What a coded refusal holds as its Nest response; the exception filter sends it with the status. */
export interface CodedPayload {
  message: string;
  code: string;
  params: ErrorParams;
  field?: string;
  retryAfterSeconds?: number;
}

/** The payload of a refusal thrown with a code, or null for one thrown without. */
export function codedPayload(exception: HttpException): CodedPayload | null {
  const payload = exception.getResponse();
  return typeof payload === 'object' && typeof (payload as Partial<CodedPayload>).code === 'string'
    ? (payload as CodedPayload)
    : null;
}
