import {
  BadRequestException,
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  InternalServerErrorException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_KEY, AccessRule } from '../common/access/access.decorator';
import { AvisaRequest } from '../common/access/request-context';
import { AuthService } from './auth.service';

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
      throw new BadRequestException(
        `credentials are never accepted in the URL (query parameter "${urlToken}"); use the Authorization header`,
      );
    }
    if (rule.public) return true;

    const token = bearerToken(request.headers.authorization);
    const principal = await this.auth.authenticate(token);
    if (principal.kind === 'user' && !rule.roles.includes(principal.role)) {
      throw new ForbiddenException(`this action requires the ${rule.roles.join(' or ')} role`);
    }
    if (principal.kind === 'token') {
      const scopes = rule.scopes ?? [];
      if (!scopes.length) throw new ForbiddenException('API tokens cannot call this route; log in as a user');
      if (!scopes.some((s) => principal.scopes.includes(s))) {
        throw new ForbiddenException(`this API token lacks the scope ${scopes.join(' or ')}`);
      }
    }
    request.principal = principal;
    return true;
  }
}

function bearerToken(header: string | undefined): string {
  if (!header) throw new UnauthorizedException('log in first: missing "Authorization: Bearer <token>" header');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new UnauthorizedException('the Authorization header must be "Bearer <token>"');
  return match[1];
}
