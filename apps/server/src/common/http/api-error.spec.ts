import { ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { ERROR_CATALOGUE, errorMessage } from '@avisa/contracts';
import { apiError, codedPayload, fieldError, retryLater } from './api-error';

describe('apiError', () => {
  it('throws the usual Nest exception of the status, carrying the code, params and English message', () => {
    const error = apiError('site.not_found', { name: 'farmacia-fantasma' });
    expect(error).toBeInstanceOf(NotFoundException);
    expect(error.message).toBe('site "farmacia-fantasma" does not exist');
    expect(codedPayload(error)).toEqual({
      message: 'site "farmacia-fantasma" does not exist',
      code: 'site.not_found',
      params: { name: 'farmacia-fantasma' },
    });
  });

  it('names the field at fault, and the seconds to wait for a 429', () => {
    const error = fieldError('target.name', 'site.disabled', { name: 'f-1' });
    expect(error).toBeInstanceOf(ConflictException);
    expect(codedPayload(error)).toMatchObject({ field: 'target.name', code: 'site.disabled' });
    const limited = retryLater(30, 'alert.send_limit', { limit: 10, seconds: 30 });
    expect(limited.getStatus()).toBe(429);
    expect(codedPayload(limited)).toMatchObject({ code: 'alert.send_limit', retryAfterSeconds: 30 });
  });

  it('finds no code on an exception thrown without one', () => {
    expect(codedPayload(new HttpException('teapot', 418))).toBeNull();
  });

  it('has an English message for every code of the catalogue', () => {
    for (const code of Object.keys(ERROR_CATALOGUE) as (keyof typeof ERROR_CATALOGUE)[]) {
      const lists = ['fields', 'values', 'roles', 'scopes', 'members', 'unknown', 'names'];
      const params = new Proxy({}, { get: (_t, key) => (lists.includes(String(key)) ? ['x'] : 'x') });
      const message = errorMessage as (code: string, params: unknown) => string;
      expect(message(code, params)).not.toBe('');
    }
  });
});
