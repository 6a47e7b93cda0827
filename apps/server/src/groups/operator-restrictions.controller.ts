import { Body, Controller, Get, Param, ParseIntPipe, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { OperatorRestrictionsResponse } from '@avisa/contracts';
import { Actor } from '../common/actor';
import { Authenticated } from '../common/access/access.decorator';
import { CurrentActor } from '../common/access/request-context';
import { OperatorRestrictionsDto } from './dto/group.dto';
import { GroupAccessService } from './group-access.service';

@ApiTags('users')
@Controller('users')
@Authenticated({ roles: ['admin'] })
export class OperatorRestrictionsController {
  constructor(private readonly access: GroupAccessService) {}

  /** Which groups an operator is limited to (restricted false: none). */
  @Get(':id/restrictions')
  get(@Param('id', ParseIntPipe) id: number): Promise<OperatorRestrictionsResponse> {
    return this.access.get(id);
  }

  /** Limits an operator to some groups (and optionally global alerts), or lifts the limit. */
  @Put(':id/restrictions')
  set(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: OperatorRestrictionsDto,
    @CurrentActor() actor: Actor,
  ): Promise<OperatorRestrictionsResponse> {
    return this.access.set(id, body, actor);
  }
}
