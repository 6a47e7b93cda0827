import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  DELIVERIES_CSV_COLUMNS,
  type DeliveriesPage,
  type MessageDetailResponse,
  type MessageResponse,
  type Page,
  type ResendUnreadResponse,
  type ScheduledMessageResponse,
  type SendMessageResponse,
} from '@avisa/contracts';
import type { Response } from 'express';
import { Actor, Principal } from '../common/actor';
import { STAFF_ROLES, Authenticated } from '../common/access/access.decorator';
import { CurrentActor, CurrentPrincipal } from '../common/access/request-context';
import { DeliveriesService } from './deliveries.service';
import { DeliveriesFilterDto, DeliveriesQueryDto } from './dto/deliveries.dto';
import { HistoryQueryDto, SendMessageDto } from './dto/message.dto';
import { MessagingService } from './messaging.service';

@ApiTags('messages')
@Controller('messages')
export class MessagingController {
  constructor(
    private readonly messaging: MessagingService,
    private readonly deliveries: DeliveriesService,
  ) {}

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

  @Get(':id/deliveries')
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  @ApiOperation({
    summary: "One alert's copies site by site, filtered, sorted and paged",
    description:
      'With the alert itself and its totals by state (`message.counts`: each copy once, in its current state, so ' +
      "`delivered` does not include `read`), the sites' display names, and the quick-reply and download tallies. " +
      '`state` is a comma-separated list; `q` matches the site name or display name; default sort `receiver`, `asc`.',
  })
  deliveriesPage(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: DeliveriesQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DeliveriesPage> {
    return this.deliveries.page(id, query, principal);
  }

  @Get(':id/deliveries/export')
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  @ApiOperation({
    summary: "One alert's copies site by site, as CSV",
    description:
      `Same filters and order as GET /messages/{id}/deliveries, no paging. Columns: ${DELIVERIES_CSV_COLUMNS.join(',')}. ` +
      `Cells a spreadsheet would run as a formula (starting with = + - @ tab or CR) get a leading '.`,
  })
  @ApiProduces('text/csv')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ description: 'attachment avisa-aviso-<first 8 of the id>.csv', schema: { type: 'string' } })
  async exportDeliveries(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: DeliveriesFilterDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StreamableFile> {
    const { fileName, csv } = await this.deliveries.export(id, query, principal);
    return new StreamableFile(Buffer.from(csv, 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${fileName}"`,
    });
  }

  /**
   * A new reminder round: shows the alert again at every connected site that has not read it (audited as
   * message.resent with how many were told); 409 for a withdrawn or expired alert.
   */
  @Post(':id/resend-unread')
  @HttpCode(200)
  @Authenticated({ roles: STAFF_ROLES })
  resendUnread(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<ResendUnreadResponse> {
    return this.deliveries.resendUnread(id, principal, actor);
  }
}
