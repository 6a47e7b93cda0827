import { jest } from '@jest/globals';
import { INestApplication, UnauthorizedException } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AccessGuard } from '../auth/access.guard';
import { AuthService } from '../auth/auth.service';
import type { Principal } from '../common/actor';
import { HttpExceptionFilter } from '../common/http/http-exception.filter';
import { DatabaseHealth } from '../database/database-faults';
import { createValidationPipe } from '../common/http/validation';
import { mockOf } from '../../test/utils';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

const principals: Record<string, Principal> = {
  'admin-token': { kind: 'user', userId: 1, username: 'admin', displayName: 'A', role: 'admin', sessionId: 's1' },
  'operator-token': { kind: 'user', userId: 2, username: 'op', displayName: 'O', role: 'operator', sessionId: 's2' },
  avt_read: { kind: 'token', tokenId: 3, name: 'zabbix', scopes: ['read', 'messages:send'] },
};

describe('UsersController over HTTP, with the real pipe, guard and error filter', () => {
  let app: INestApplication;
  let base: string;
  const users = mockOf<UsersService>({ create: jest.fn(async (dto: object) => ({ id: 9, ...dto })) });
  const auth = mockOf<AuthService>({
    authenticate: jest.fn(async (token: string) => {
      const principal = principals[token];
      if (!principal) throw new UnauthorizedException('session expired or logged out; log in again');
      return principal;
    }),
  });

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [UsersController],
      providers: [
        { provide: UsersService, useValue: users },
        { provide: AuthService, useValue: auth },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        DatabaseHealth,
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}`.replace('[::1]', '127.0.0.1');
  });

  afterAll(() => app.close());
  beforeEach(() => jest.clearAllMocks());

  const call = (method: string, path: string, token?: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('answers 401 to an anonymous caller', async () => {
    const response = await call('GET', '/users');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.stringMatching(/Authorization/),
    });
  });

  it('answers 403 to an operator and to an API token', async () => {
    expect((await call('GET', '/users', 'operator-token')).status).toBe(403);
    const byToken = await call('GET', '/users', 'avt_read');
    expect(byToken.status).toBe(403);
    expect(((await byToken.json()) as { message: string }).message).toMatch(/API tokens cannot call this route/);
  });

  it('lets an operator change its own password', async () => {
    const response = await call('PUT', '/users/me/password', 'operator-token', {
      currentPassword: 'old',
      newPassword: 'Bright-Orange-Lamp-9',
    });
    expect(response.status).toBe(204);
    expect(users.changeOwnPassword).toHaveBeenCalled();
  });

  it('normalizes the username before the service sees it', async () => {
    const response = await call('POST', '/users', 'admin-token', {
      username: '  Marin ',
      role: 'operator',
      password: 'Bright-Orange-Lamp-9',
    });
    expect(response.status).toBe(201);
    expect(users.create).toHaveBeenCalledWith(
      expect.objectContaining({ username: 'marin', role: 'operator' }),
      expect.objectContaining({ kind: 'user', name: 'admin' }),
    );
  });

  it('refuses unknown fields and bad values by name, without calling the service', async () => {
    const response = await call('POST', '/users', 'admin-token', {
      username: 'x y',
      role: 'boss',
      password: 'short',
      extra: 1,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { fields: Record<string, string[]> };
    expect(Object.keys(body.fields).sort()).toEqual(['extra', 'password', 'role', 'username']);
    expect(body.fields.role).toEqual(['role must be one of: admin, operator, member']);
    expect(body.fields.password[0]).toMatch(/at least 8 bytes/);
    expect(users.create).not.toHaveBeenCalled();
  });

  it('refuses a non-numeric id', async () => {
    const response = await call('GET', '/users/abc', 'admin-token');
    expect(response.status).toBe(400);
    expect(users.get).not.toHaveBeenCalled();
  });
});
