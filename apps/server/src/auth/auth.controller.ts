import { Controller, Get, Headers, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { LoginResponse, WhoAmIResponse } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { ANY_ROLE, Authenticated, Public } from '../common/access/access.decorator';
import { AvisaRequest, CurrentActor, CurrentPrincipal, clientIp } from '../common/access/request-context';
import type { UserAccount } from '../users/users.service';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { LocalAuthGuard } from './local-auth.guard';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Logs in with username and password; answers a bearer token for this browser tab. */
  @Post('login')
  @HttpCode(200)
  @Public()
  @UseGuards(ThrottlerGuard, LocalAuthGuard)
  @ApiBody({ type: LoginDto })
  @ApiTooManyRequestsResponse({
    description: 'Locked out after repeated failures, or too many attempts from this address',
  })
  login(
    @Req() request: AvisaRequest & { user: UserAccount },
    @Headers('user-agent') userAgent: string | undefined,
  ): Promise<LoginResponse> {
    return this.auth.createSession(request.user, clientIp(request), userAgent);
  }

  /** Ends this session. */
  @Post('logout')
  @HttpCode(204)
  @Authenticated({ roles: ANY_ROLE })
  logout(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<void> {
    return this.auth.logout(principal, actor);
  }

  /** Who the caller is: a user, or an API token with its scopes. */
  @Get('me')
  @Authenticated({ roles: ANY_ROLE, scopes: ['read'] })
  me(@CurrentPrincipal() principal: Principal): WhoAmIResponse {
    return this.auth.whoAmI(principal);
  }
}
