import { CanActivate, ExecutionContext, Injectable, InternalServerErrorException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_KEY, AccessRule } from '../common/access/access.decorator';
import { AvisaRequest } from '../common/access/request-context';
import { AuthService } from './auth.service';
import { apiError } from '../common/http/api-error';

const URL_TOKEN_PARAMS = ['token', 'access_token', 'api_key', 'apikey'];

/** The one global guard: every route must declare who may call it. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AvisaRequest>();
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) {
      throw new InternalServerErrorException(`${request.method} ${request.path} declares no access rule`);
    }
    const urlToken = URL_TOKEN_PARAMS.find((p) => p in (request.query ?? {}));
    if (urlToken) {
      throw apiError('auth.credentials_in_url', { param: urlToken });
    }
    if (rule.public) return true;

    const token = bearerToken(request.headers.authorization);
    const principal = await this.auth.authenticate(token);
    if (principal.kind === 'user' && !rule.roles.includes(principal.role)) {
      throw apiError('auth.role_required', { roles: rule.roles });
    }
    if (principal.kind === 'token') {
      const scopes = rule.scopes ?? [];
      if (!scopes.length) throw apiError('auth.tokens_not_allowed');
      if (!scopes.some((s) => principal.scopes.includes(s))) {
        throw apiError('auth.scope_required', { scopes });
      }
    }
    request.principal = principal;
    return true;
  }
}

function bearerToken(header: string | undefined): string {
  if (!header) throw apiError('auth.missing_header');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw apiError('auth.bad_header');
  return match[1];
}
