import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type {
  MessageDetailResponse,
  MessageResponse,
  Page,
  ScheduledMessageResponse,
  SendMessageResponse,
} from '@avisa/contracts';
import type { Response } from 'express';
import { Actor, Principal } from '../common/actor';
import { STAFF_ROLES, Authenticated } from '../common/access/access.decorator';
import { CurrentActor, CurrentPrincipal } from '../common/access/request-context';
import { HistoryQueryDto, SendMessageDto } from './dto/message.dto';
import { MessagingService } from './messaging.service';

@ApiTags('messages')
@Controller('messages')
export class MessagingController {
  constructor(private readonly messaging: MessagingService) {}

  /**
   * Sends an alert to every site, one site, or a group; answers (201) who was online, queued, dropped or unknown.
   * With `sendAt` the alert is stored to go out then, and answered with 202 and the scheduled alert.
   */
  @Post()
  @Authenticated({ roles: STAFF_ROLES, scopes: ['messages:send'] })
  @ApiResponse({ status: 201, description: 'sent now (SendMessageResponse)' })
  @ApiResponse({ status: 202, description: 'scheduled for sendAt (ScheduledMessageResponse)' })
  send(
    @Body() body: SendMessageDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SendMessageResponse | ScheduledMessageResponse> {
    response.status(body.sendAt === undefined ? 201 : 202);
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
