import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request } from 'express';
import { FieldValidationException, collectValidationErrors } from '../common/http/validation';
import { LoginDto } from './dto/login.dto';
import { apiError } from '../common/http/api-error';

/**
 * passport-local login. Guards run before pipes, so the body is validated here,
 * before any credential is checked or any session created.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override canActivate(context: ExecutionContext) {
    const body: unknown = context.switchToHttp().getRequest<Request>().body;
    if (!body || typeof body !== 'object') throw apiError('request.not_object');
    const errors = validateSync(plainToInstance(LoginDto, body), { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw new FieldValidationException(collectValidationErrors(errors));
    return super.canActivate(context);
  }

  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error) throw error;
    if (!user) throw apiError('auth.wrong_credentials');
    return user;
  }
}
