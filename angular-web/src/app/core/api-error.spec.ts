import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { ERROR_CATALOGUE } from '@avisa/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { apiErrorText } from './api-error-text';
import { reportLineText, toApiProblem } from './api-error';

const failure = (status: number, body: object, headers: Record<string, string> = {}) =>
  new HttpErrorResponse({ status, error: body, headers: new HttpHeaders(headers) });

describe('toApiProblem', () => {
  afterEach(() => (document.documentElement.lang = ''));

  it('says a known code in the app language, as a whole sentence without the status lead', () => {
    const body = { message: 'site "x" does not exist', code: 'site.not_found', params: { name: 'x' } };
    expect(toApiProblem(failure(404, body))).toMatchObject({
      leadKey: null,
      code: 'site.not_found',
      detail: 'El sitio «x» no existe.',
    });
    document.documentElement.lang = 'en';
    expect(toApiProblem(failure(404, body)).detail).toBe('The site “x” does not exist.');
  });

  it('falls back to the server message, after the lead, for a code the app does not know', () => {
    const problem = toApiProblem(failure(409, { message: 'a room named "a" already exists', code: 'room.exists' }));
    expect(problem).toMatchObject({ leadKey: 'errors.http409', detail: 'a room named "a" already exists' });
    const old = toApiProblem(failure(404, { message: 'Cannot GET /x' }));
    expect(old).toMatchObject({ code: 'http.not_found', leadKey: 'errors.http404', detail: 'Cannot GET /x' });
  });

  it('translates each field problem with the field label, keeping the English of unknown ones', () => {
    const problem = toApiProblem(
      failure(400, {
        message: '…',
        code: 'validation.failed',
        params: { fields: ['password', 'members', 'origin'] },
        fields: {},
        problems: [
          { field: 'password', code: 'password.common', params: { field: 'password' }, message: 'password is …' },
          { field: 'members', code: 'name.too_short', params: { field: 'members[3]', min: 2, max: 64 }, message: '…' },
          { field: 'origin', code: 'validation.invalid', params: { field: 'origin' }, message: 'set AVISA_PUBLIC_URL' },
        ],
      }),
    );
    expect(problem.fields).toEqual({
      password: ['«Contraseña» es una de las contraseñas más usadas; elige otra.'],
      members: ['«Miembros 4» debe tener al menos 2 caracteres.'],
      origin: ['set AVISA_PUBLIC_URL'],
    });
    expect(problem.leadKey).toBe('errors.http400');
    expect(problem.detail).toContain('«Contraseña» es una de las contraseñas más usadas');
  });

  it('needs every param its sentence names, or says the server message', () => {
    const problem = toApiProblem(
      failure(429, { message: 'ThrottlerException: Too Many Requests', code: 'rate_limited' }),
    );
    expect(problem).toMatchObject({ leadKey: 'errors.http429', detail: 'ThrottlerException: Too Many Requests' });
  });
});

describe('apiErrorText', () => {
  it('has a sentence in both languages for every code of the catalogue but the catch-all', () => {
    const untranslated = ['validation.invalid'];
    for (const language of ['es', 'en'] as const) {
      const missing = Object.keys(ERROR_CATALOGUE).filter(
        (code) => !untranslated.includes(code) && apiErrorText(code, anyParams(), language) === null,
      );
      expect(missing).toEqual([]);
    }
  });

  it('names roles, quotes lists and says a name problem in words', () => {
    expect(apiErrorText('auth.role_required', { roles: ['admin', 'operator'] }, 'es')).toBe(
      'Esta acción requiere el rol Administrador o Operador.',
    );
    expect(apiErrorText('group.unknown_groups', { names: ['norte', 'sur'] }, 'es')).toBe(
      'No existen estos grupos: «norte», «sur».',
    );
    expect(apiErrorText('group.member_invalid', { member: 'x', problem: 'tooShort', min: 2, max: 64 }, 'es')).toBe(
      'El miembro «x» debe tener al menos 2 caracteres.',
    );
    expect(
      reportLineText({ code: 'group.no_members', params: { name: 'a' }, message: 'group "a" has no members' }),
    ).toBe('El grupo «a» no tiene miembros.');
  });
});

/** A value for every param any sentence names. */
function anyParams(): Record<string, string> {
  const keys = ['limit', 'detail', 'max', 'min', 'seconds', 'fields', 'field', 'values', 'bytes', 'minutes', 'param'];
  const more = ['roles', 'scopes', 'id', 'username', 'name', 'members', 'unknown', 'action', 'names', 'count', 'line'];
  const files = ['used', 'quota', 'kind', 'version', 'state', 'reason', 'message', 'file'];
  return Object.fromEntries(
    [...keys, ...more, ...files, 'member', 'problem', 'text', 'lastReadId'].map((k) => [k, '1']),
  );
}
