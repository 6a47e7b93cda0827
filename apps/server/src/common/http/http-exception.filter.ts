import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ApiError } from '@avisa/contracts';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { FieldValidationException } from './validation';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** Every error leaves as `{ statusCode, error, message }`, with the fields at fault when validation failed. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
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
      const payload = exception.getResponse();
      const message =
        typeof payload === 'string'
          ? payload
          : Array.isArray((payload as { message?: unknown }).message)
            ? ((payload as { message: string[] }).message).join('; ')
            : String((payload as { message?: unknown }).message ?? exception.message);
      const body: ApiError = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
      if (exception instanceof FieldValidationException) body.fields = exception.fields;
      return body;
    }
    const parser = exception as BodyParserError;
    if (parser?.type === 'entity.too.large') {
      return {
        statusCode: HttpStatus.PAYLOAD_TOO_LARGE,
        error: 'Payload Too Large',
        message: `request body is larger than the limit of ${parser.limit} bytes`,
      };
    }
    if (parser?.type === 'entity.parse.failed') {
      return { statusCode: 400, error: 'Bad Request', message: 'request body is not valid JSON' };
    }
    if (parser?.type && parser.status && parser.status < 500) {
      return { statusCode: parser.status, error: STATUS_CODES[parser.status] ?? 'Error', message: parser.type };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { statusCode: 500, error: 'Internal Server Error', message: 'internal error; see the server log' };
  }
}
