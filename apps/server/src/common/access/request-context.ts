import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { Actor, Principal, actorOf } from '../actor';

export interface AvisaRequest extends Request {
  principal?: Principal;
}

export function clientIp(request: Request): string | null {
  return request.ip ?? request.socket.remoteAddress ?? null;
}

/** The caller as an audit actor: user or token, with the client address. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<AvisaRequest>();
  return actorOf(request.principal, clientIp(request));
});

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AvisaRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
