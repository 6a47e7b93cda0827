import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type {
  RoomMemberResponse,
  RoomMessageReceiptsResponse,
  RoomMessageResponse,
  RoomMessagesPage,
  RoomPerson,
  RoomReadResponse,
  RoomResponse,
  RoomSearchHit,
  RoomTokenResponse,
} from '@avisa/contracts';
import type { Response } from 'express';
import { Actor, Principal } from '../common/actor';
import { ANY_ROLE, Authenticated } from '../common/access/access.decorator';
import { CurrentActor, CurrentPrincipal } from '../common/access/request-context';
import {
  CandidatesQueryDto,
  CreateRoomDto,
  EditRoomMessageDto,
  JoinRoomDto,
  ListRoomsQueryDto,
  PostRoomMessageDto,
  ReadRoomDto,
  RoomHistoryQueryDto,
  RoomSearchQueryDto,
  SetRoomMemberDto,
  UpdateRoomDto,
} from './dto/room.dto';
import { sendAsAttachment } from '../files/attachment-response';
import { RoomMessagesService } from './room-messages.service';
import { RoomsService } from './rooms.service';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** Routes that no token reaches (the guard refuses a token on a route without scopes). */
const asUser = (principal: Principal): UserPrincipal => principal as UserPrincipal;

/** Chat rooms, for every logged-in user; a token posts (and reads) only in the rooms it was given. */
@ApiTags('rooms')
@Controller('rooms')
@Authenticated({ roles: ANY_ROLE })
export class RoomsController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly messages: RoomMessagesService,
  ) {}

  /** The caller's rooms and every public room; `?all=true` (admins): every room. */
  @Get()
  list(@Query() query: ListRoomsQueryDto, @CurrentPrincipal() principal: Principal): Promise<RoomResponse[]> {
    return this.rooms.list(asUser(principal), query.all === 'true');
  }

  @Post()
  create(
    @Body() body: CreateRoomDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<RoomResponse> {
    return this.rooms.create(body, asUser(principal), actor);
  }

  /** Messages holding `q`, in the caller's rooms only, newest first (at most 50). */
  @Get('search')
  search(@Query() query: RoomSearchQueryDto, @CurrentPrincipal() principal: Principal): Promise<RoomSearchHit[]> {
    return this.messages.search(query.q, principal);
  }

  /** Joins a protected or ephemeral room; a wrong code or password gets one answer, and tries are limited. */
  @Post('join')
  @HttpCode(200)
  joinWithCode(
    @Body() body: JoinRoomDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<RoomResponse> {
    return this.rooms.joinWithCode(body.code, body.password ?? '', asUser(principal), actor);
  }

  @Get(':id')
  get(@Param('id', ParseIntPipe) id: number, @CurrentPrincipal() principal: Principal): Promise<RoomResponse> {
    return this.rooms.get(id, asUser(principal));
  }

  /** Name, description, retention and password (owner, moderators); `archived` (owner, admins). */
  @Patch(':id')
  update(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: UpdateRoomDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<RoomResponse> {
    return this.rooms.update(id, body, asUser(principal), actor);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.rooms.delete(id, asUser(principal), actor);
  }

  /** Joins a public room. */
  @Post(':id/join')
  @HttpCode(200)
  join(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<RoomResponse> {
    return this.rooms.joinPublic(id, asUser(principal), actor);
  }

  @Post(':id/leave')
  @HttpCode(204)
  leave(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.rooms.leave(id, asUser(principal), actor);
  }

  @Get(':id/members')
  members(
    @Param('id', ParseIntPipe) id: number,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RoomMemberResponse[]> {
    return this.rooms.members(id, asUser(principal));
  }

  /** Users the owner or a moderator could add (enabled, not members yet), matching `q`. */
  @Get(':id/candidates')
  candidates(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: CandidatesQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RoomPerson[]> {
    return this.rooms.candidates(id, asUser(principal), query.q ?? '');
  }

  /** Adds a user (role `member` unless given) or changes their role; `owner` hands the room over. */
  @Put(':id/members/:userId')
  setMember(
    @Param('id', ParseIntPipe) id: number,
    @Param('userId', ParseIntPipe) userId: number,
    @Body() body: SetRoomMemberDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<RoomMemberResponse> {
    return this.rooms.setMember(id, userId, body.role ?? 'member', asUser(principal), actor);
  }

  /** Removes a member; their live subscription to the room ends at once. */
  @Delete(':id/members/:userId')
  @HttpCode(204)
  removeMember(
    @Param('id', ParseIntPipe) id: number,
    @Param('userId', ParseIntPipe) userId: number,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.rooms.removeMember(id, userId, asUser(principal), actor);
  }

  /** Newest first, 50 a page (`?before=` the cursor for older); `?after=<seq>`: oldest first, what came after. */
  @Get(':id/messages')
  @Authenticated({ roles: ANY_ROLE, scopes: ['read'] })
  history(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: RoomHistoryQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RoomMessagesPage> {
    return this.messages.history(id, principal, query);
  }

  /** Posts plain text (1–4000 characters); in an ephemeral room it is relayed and never stored. */
  @Post(':id/messages')
  @Authenticated({ roles: ANY_ROLE, scopes: ['rooms:post'] })
  post(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: PostRoomMessageDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RoomMessageResponse> {
    return this.messages.post(id, body.text, principal, body.attachments);
  }

  /** A file a message of this room carries: for the room's members (and admins, and tokens given the room). */
  @Get(':id/messages/:messageId/attachments/:fileId')
  @Authenticated({ roles: ANY_ROLE, scopes: ['read'] })
  async attachment(
    @Param('id', ParseIntPipe) id: number,
    @Param('messageId') messageId: string,
    @Param('fileId', new ParseUUIDPipe()) fileId: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ): Promise<void> {
    await sendAsAttachment(res, await this.messages.attachment(id, messageId, fileId, principal, actor));
  }

  /** The author edits their own message. */
  @Patch(':id/messages/:messageId')
  edit(
    @Param('id', ParseIntPipe) id: number,
    @Param('messageId') messageId: string,
    @Body() body: EditRoomMessageDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RoomMessageResponse> {
    return this.messages.edit(id, messageId, body.text, principal);
  }

  /** The author, or the room's owner and moderators; it stays in the conversation as "message deleted". */
  @Delete(':id/messages/:messageId')
  @HttpCode(204)
  deleteMessage(
    @Param('id', ParseIntPipe) id: number,
    @Param('messageId') messageId: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.messages.delete(id, messageId, principal, actor);
  }

  /** Who the message reached and who read it (its author, the room's managers, admins). */
  @Get(':id/messages/:messageId/receipts')
  receipts(
    @Param('id', ParseIntPipe) id: number,
    @Param('messageId') messageId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RoomMessageReceiptsResponse> {
    return this.messages.receipts(id, messageId, principal);
  }

  /** Moves the caller's "read up to here" marker (never back); their other tabs follow. */
  @Put(':id/read')
  read(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: ReadRoomDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RoomReadResponse> {
    return this.messages.read(id, body.seq, principal);
  }

  /** The API tokens that may post into this room (admins). */
  @Get(':id/tokens')
  @Authenticated({ roles: ['admin'] })
  tokens(@Param('id', ParseIntPipe) id: number): Promise<RoomTokenResponse[]> {
    return this.rooms.tokenGrants(id);
  }

  @Put(':id/tokens/:tokenId')
  @Authenticated({ roles: ['admin'] })
  grantToken(
    @Param('id', ParseIntPipe) id: number,
    @Param('tokenId', ParseIntPipe) tokenId: number,
    @CurrentActor() actor: Actor,
  ): Promise<RoomTokenResponse[]> {
    return this.rooms.grantToken(id, tokenId, actor);
  }

  @Delete(':id/tokens/:tokenId')
  @Authenticated({ roles: ['admin'] })
  @HttpCode(204)
  revokeToken(
    @Param('id', ParseIntPipe) id: number,
    @Param('tokenId', ParseIntPipe) tokenId: number,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.rooms.revokeToken(id, tokenId, actor);
  }
}
