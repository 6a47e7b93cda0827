import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ScheduledMessageResponse } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { STAFF_ROLES, Authenticated } from '../common/access/access.decorator';
import { CurrentActor, CurrentPrincipal } from '../common/access/request-context';
import { UpdateScheduledMessageDto } from './dto/scheduled-message.dto';
import { ScheduledMessagesService } from './scheduled-messages.service';

/** Alerts sent with `sendAt`, until their time (they are created by `POST /messages`). */
@ApiTags('messages')
@Controller('messages/scheduled')
export class ScheduledMessagesController {
  constructor(private readonly scheduled: ScheduledMessagesService) {}

  /** Alerts waiting for their time and those that could not be sent, soonest first (restricted operator: its own). */
  @Get()
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  list(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<ScheduledMessageResponse[]> {
    return this.scheduled.list(principal, actor);
  }

  /** Changes a waiting alert's text, priority, validity, target, quick replies or time; 409 once it was sent. */
  @Patch(':id')
  @Authenticated({ roles: STAFF_ROLES })
  update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateScheduledMessageDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<ScheduledMessageResponse> {
    return this.scheduled.update(id, body, principal, actor);
  }

  /** Cancels a waiting alert (it is never sent) or dismisses a failed one; 409 once it was sent. */
  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ roles: STAFF_ROLES })
  cancel(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.scheduled.cancel(id, principal, actor);
  }
}
