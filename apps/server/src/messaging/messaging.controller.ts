import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { MessageDetailResponse, MessageResponse, Page, SendMessageResponse } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { STAFF_ROLES, Authenticated } from '../common/access/access.decorator';
import { CurrentActor, CurrentPrincipal } from '../common/access/request-context';
import { HistoryQueryDto, SendMessageDto } from './dto/message.dto';
import { MessagingService } from './messaging.service';

@ApiTags('messages')
@Controller('messages')
export class MessagingController {
  constructor(private readonly messaging: MessagingService) {}

  /** Sends an alert to every site, one site, or a group; answers who was online, queued, dropped or unknown. */
  @Post()
  @Authenticated({ roles: STAFF_ROLES, scopes: ['messages:send'] })
  send(
    @Body() body: SendMessageDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<SendMessageResponse> {
    return this.messaging.send(body, principal, actor);
  }

  /** Sent alerts, newest first, with receipt counts (restricted: its own and those within its groups). */
  @Get()
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  history(@Query() query: HistoryQueryDto, @CurrentPrincipal() principal: Principal): Promise<Page<MessageResponse>> {
    return this.messaging.history(query, principal);
  }

  /** One alert with each site's state and times; 404 for one outside a restricted operator's groups. */
  @Get(':id')
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MessageDetailResponse> {
    return this.messaging.get(id, principal);
  }

  /** Withdraws an alert: queued copies are dropped and sites that showed it are told. */
  @Post(':id/retract')
  @HttpCode(200)
  @Authenticated({ roles: STAFF_ROLES })
  retract(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<MessageResponse> {
    return this.messaging.retract(id, principal, actor);
  }
}
