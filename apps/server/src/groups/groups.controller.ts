import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  ParseBoolPipe,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { GroupImportReport, GroupInfoResponse, GroupResponse } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { STAFF_ROLES, Authenticated } from '../common/access/access.decorator';
import { CurrentActor, CurrentPrincipal } from '../common/access/request-context';
import { GroupDto } from './dto/group.dto';
import { GroupsService } from './groups.service';

@ApiTags('groups')
@Controller('groups')
@Authenticated({ roles: STAFF_ROLES })
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  /** The groups the caller may see, with their members. */
  @Get()
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  list(@CurrentPrincipal() principal: Principal): Promise<GroupResponse[]> {
    return this.groups.list(principal);
  }

  @Post()
  create(@Body() body: GroupDto, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor) {
    return this.groups.create(body, principal, actor);
  }

  /** All visible groups as CSV, one per line: `group,member1,member2,…`. */
  @Get('export')
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  @ApiProduces('text/csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="avisa-grupos.csv"')
  export(@CurrentPrincipal() principal: Principal): Promise<string> {
    return this.groups.export(principal);
  }

  /**
   * Imports groups from CSV (`group,member1,…`; `,` or `;`; BOM, CRLF, quotes and a header line accepted).
   * Nothing is imported unless the whole file is valid; the answer lists every problem with its line.
   */
  @Post('import')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiQuery({ name: 'filename', required: false, description: 'Name of the uploaded file, for the audit trail' })
  @ApiQuery({
    name: 'dryRun',
    required: false,
    type: Boolean,
    description: 'Check the file only: the same report, nothing imported, problems answered with 200',
  })
  @ApiBody({ schema: { type: 'string', example: 'zona norte,farmacia-1,farmacia-2\nzona sur;farmacia-3' } })
  import(
    @Body() csv: unknown,
    @Query('filename') filename: string | undefined,
    @Query('dryRun', new ParseBoolPipe({ optional: true })) dryRun: boolean | undefined,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<GroupImportReport> {
    const file = filename?.slice(0, 200) ?? null;
    return this.groups.import(typeof csv === 'string' ? csv : '', file, principal, actor, dryRun ?? false);
  }

  @Get(':name')
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  get(@Param('name') name: string, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor) {
    return this.groups.get(name, principal, actor);
  }

  /** Members split into online, offline and unknown (no such site), as of now. */
  @Get(':name/info')
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  info(
    @Param('name') name: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<GroupInfoResponse> {
    return this.groups.info(name, principal, actor);
  }

  /** Renames the group and/or replaces its members. */
  @Put(':name')
  update(
    @Param('name') name: string,
    @Body() body: GroupDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ) {
    return this.groups.update(name, body, principal, actor);
  }

  @Delete(':name')
  @HttpCode(204)
  delete(
    @Param('name') name: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.groups.delete(name, principal, actor);
  }
}
