import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { UserResponse } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { ANY_ROLE, Authenticated } from '../common/access/access.decorator';
import { CurrentActor, CurrentPrincipal } from '../common/access/request-context';
import {
  ChangeOwnPasswordDto,
  CreateUserDto,
  SetEnabledDto,
  SetPasswordDto,
  SetRoleDto,
  UpdateUserDto,
} from './dto/user.dto';
import { UsersService } from './users.service';

const sessionOf = (p: Principal) => (p.kind === 'user' ? p.sessionId : null);

@ApiTags('users')
@Controller('users')
@Authenticated({ roles: ['admin'] })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Change your own password; every other session of yours is logged out. */
  @Put('me/password')
  @HttpCode(204)
  @Authenticated({ roles: ANY_ROLE })
  changeOwnPassword(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body() body: ChangeOwnPasswordDto,
  ): Promise<void> {
    return this.users.changeOwnPassword(principal, actor, body.currentPassword, body.newPassword);
  }

  @Get()
  list(): Promise<UserResponse[]> {
    return this.users.list();
  }

  @Post()
  create(@Body() body: CreateUserDto, @CurrentActor() actor: Actor): Promise<UserResponse> {
    return this.users.create(body, actor);
  }

  @Get(':id')
  get(@Param('id', ParseIntPipe) id: number): Promise<UserResponse> {
    return this.users.get(id);
  }

  @Patch(':id')
  update(@Param('id', ParseIntPipe) id: number, @Body() body: UpdateUserDto, @CurrentActor() actor: Actor) {
    return this.users.updateDisplayName(id, body.displayName, actor);
  }

  /** Set a user's password; all of that user's sessions are logged out. */
  @Put(':id/password')
  @HttpCode(204)
  setPassword(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: SetPasswordDto,
    @CurrentActor() actor: Actor,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.users.resetPassword(id, body.password, actor, sessionOf(principal));
  }

  @Put(':id/role')
  setRole(@Param('id', ParseIntPipe) id: number, @Body() body: SetRoleDto, @CurrentActor() actor: Actor) {
    return this.users.changeRole(id, body.role, actor);
  }

  @Put(':id/enabled')
  setEnabled(@Param('id', ParseIntPipe) id: number, @Body() body: SetEnabledDto, @CurrentActor() actor: Actor) {
    return this.users.setEnabled(id, body.enabled, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', ParseIntPipe) id: number, @CurrentActor() actor: Actor): Promise<void> {
    return this.users.delete(id, actor);
  }
}
