import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { type ApiError, type ErrorParams, errorMessage, genericErrorCode } from '@avisa/contracts';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { DatabaseHealth, databaseFault } from '../../database/database-faults';
import { codedPayload } from './api-error';
import { FieldValidationException } from './validation';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * Every error leaves as `{ statusCode, error, message, code, params }`, with the fields at fault when validation failed.
 * A refusal thrown without a code of its own gets the generic code of its status (`http.not_found`, …).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  constructor(private readonly database: DatabaseHealth) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const fault = databaseFault(exception);
    if (fault) {
      // Told to the health check too: on PostgreSQL no connection guard sees the failure first.
      this.database.failed(exception);
      this.logger.warn(`request refused: ${fault.message}`);
      response.setHeader('Retry-After', String(fault.retryAfterSeconds));
      if (!response.headersSent)
        response.status(503).json({
          statusCode: 503,
          error: 'Service Unavailable',
          message: fault.message,
          code: 'http.unavailable',
          params: {},
        } satisfies ApiError);
      return;
    }
    if (isHealthReport(exception)) {
      // The health check's own report (which part is down and why), as load balancers and operators read it.
      if (!response.headersSent) response.status(503).json(exception.getResponse());
      return;
    }
    const body = this.toApiError(exception);
    if (exception instanceof HttpException && exception.getStatus() === 429) {
      const retry = (exception.getResponse() as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retry) response.setHeader('Retry-After', String(retry));
    }
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  private toApiError(exception: unknown): ApiError {
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const body: ApiError = {
        statusCode,
        error: STATUS_CODES[statusCode] ?? 'Error',
        message: messageOf(exception),
        ...codeOf(exception),
      };
      if (exception instanceof FieldValidationException) {
        body.fields = exception.fields;
        body.problems = exception.problems;
        const fields = Object.keys(exception.fields);
        if (fields.length === 1) body.field = fields[0];
      }
      const report = (exception as { report?: unknown }).report;
      if (report) body.report = report;
      return body;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return {
      statusCode: 500,
      error: 'Internal Server Error',
      message: errorMessage('internal'),
      code: 'internal',
      params: {},
    };
  }
}

/** The stable code of a refusal: its own, the parser's, or the generic one of its status. */
function codeOf(exception: HttpException): Pick<ApiError, 'code' | 'params' | 'field'> {
  const coded = codedPayload(exception);
  if (coded)
    return coded.field
      ? { code: coded.code, params: coded.params, field: coded.field }
      : { code: coded.code, params: coded.params };
  if (exception instanceof FieldValidationException) {
    return { code: 'validation.failed', params: { fields: Object.keys(exception.fields) } };
  }
  const cause = exception.cause as BodyParserError | undefined;
  if (cause?.type === 'entity.too.large') return { code: 'request.too_large', params: { limit: cause.limit ?? 0 } };
  if (cause?.type === 'entity.parse.failed') return { code: 'request.bad_json', params: { detail: exception.message } };
  const params: ErrorParams = {};
  const payload = exception.getResponse() as { retryAfterSeconds?: number } | string;
  if (typeof payload === 'object' && payload.retryAfterSeconds) params.seconds = payload.retryAfterSeconds;
  return { code: genericErrorCode(exception.getStatus()), params };
}

function isHealthReport(exception: unknown): exception is HttpException {
  if (!(exception instanceof HttpException) || exception.getStatus() !== 503) return false;
  const payload = exception.getResponse() as { status?: unknown; details?: unknown };
  return payload?.status === 'error' && typeof payload.details === 'object';
}

/** Body-parser failures arrive wrapped, with the parser's error as the cause; say them in plain words. */
function messageOf(exception: HttpException): string {
  const cause = exception.cause as BodyParserError | undefined;
  if (cause?.type === 'entity.too.large') return `request body is larger than the limit of ${cause.limit} bytes`;
  if (cause?.type === 'entity.parse.failed') return `request body is not valid JSON (${exception.message})`;
  const payload = exception.getResponse();
  if (typeof payload === 'string') return payload;
  const message = (payload as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
}
