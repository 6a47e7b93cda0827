import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { AuditLastReadResponse, AuditPage } from '@avisa/contracts';
import { Principal } from '../common/actor';
import { Authenticated } from '../common/access/access.decorator';
import { CurrentPrincipal } from '../common/access/request-context';
import { AuditService } from './audit.service';
import { AuditLastReadDto, AuditQueryDto } from './dto/audit-query.dto';

const userIdOf = (principal: Principal) => (principal.kind === 'user' ? principal.userId : 0);

@ApiTags('audit')
@Controller('audit')
@Authenticated({ roles: ['admin'] })
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Audit events, newest first, filtered by date range, user and free text. */
  @Get()
  search(@CurrentPrincipal() principal: Principal, @Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.audit.search(userIdOf(principal), query);
  }

  /** This admin's "last read" marker. */
  @Get('last-read')
  getLastRead(@CurrentPrincipal() principal: Principal): Promise<AuditLastReadResponse> {
    return this.audit.getLastRead(userIdOf(principal));
  }

  @Put('last-read')
  setLastRead(
    @CurrentPrincipal() principal: Principal,
    @Body() body: AuditLastReadDto,
  ): Promise<AuditLastReadResponse> {
    return this.audit.setLastRead(userIdOf(principal), body.lastReadId);
  }
}
