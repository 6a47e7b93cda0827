import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { DashboardResponse } from '@avisa/contracts';
import { Principal } from '../common/actor';
import { STAFF_ROLES, Authenticated } from '../common/access/access.decorator';
import { CurrentPrincipal } from '../common/access/request-context';
import { DashboardService } from './dashboard.service';

@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  /**
   * Sites online and offline now, today's alerts and read rate, urgent alerts left unread after their reminders, the
   * newest alerts and alerts per day over 30 days (days in the server's time zone); narrowed for a restricted
   * operator. Operators and admins only: no API token.
   */
  @Get()
  @Authenticated({ roles: STAFF_ROLES })
  @ApiOkResponse({ description: 'DashboardResponse (libs/contracts/src/dashboard.ts)' })
  get(@CurrentPrincipal() principal: Principal): Promise<DashboardResponse> {
    return this.dashboard.forCaller(principal);
  }
}
