import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  ParseBoolPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type {
  BulkSitesReport,
  ReceiverConnectionResponse,
  ReceiverResponse,
  ReceiverWithKeyResponse,
} from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { STAFF_ROLES, Authenticated } from '../common/access/access.decorator';
import { CurrentActor, CurrentPrincipal } from '../common/access/request-context';
import { CreateReceiverDto, SiteListQueryDto, UpdateReceiverDto } from './dto/receiver.dto';
import { ReceiversService } from './receivers.service';

@ApiTags('receivers')
@Controller('receivers')
@Authenticated({ roles: ['admin'] })
export class ReceiversController {
  constructor(private readonly receivers: ReceiversService) {}

  /**
   * Every site with its live state (online, connected since, last seen, client version) and its support details
   * (restricted: its groups' sites); `q` searches the names and details, `region` and `tag` filter.
   */
  @Get()
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  list(@Query() query: SiteListQueryDto, @CurrentPrincipal() principal: Principal): Promise<ReceiverResponse[]> {
    return this.receivers.list(principal, query);
  }

  /**
   * The sites (with the same filters) as CSV, `name,displayName,address,phone,region,tags,notes` with tags joined
   * by `|`, in the shape `POST /receivers/bulk` reads; cells a spreadsheet would run as formulas start with `'`.
   */
  @Get('export')
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  @ApiProduces('text/csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="avisa-sitios.csv"')
  export(@Query() query: SiteListQueryDto, @CurrentPrincipal() principal: Principal): Promise<string> {
    return this.receivers.export(principal, query);
  }

  /** Creates a site; its key is in this answer only. */
  @Post()
  create(@Body() body: CreateReceiverDto, @CurrentActor() actor: Actor): Promise<ReceiverWithKeyResponse> {
    return this.receivers.create(body, actor);
  }

  /**
   * Creates many sites from a CSV: `name,displayName,address,phone,region,tags,notes` (tags separated by `|`; a
   * header row may name the columns in any order and leave some out); answers a CSV of `name,key`, shown once.
   * All or nothing: any bad line refuses the whole file with 400 and `report.errors` (line, field, message).
   * With `?dryRun=true` nothing is created: the answer (JSON) lists the sites the file would create and every
   * problem by line, which is how the web app previews a file.
   */
  @Post('bulk')
  @HttpCode(201)
  @ApiConsumes('text/csv')
  @ApiProduces('text/csv', 'application/json')
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean })
  @ApiBody({
    schema: {
      type: 'string',
      example:
        'name,displayName,address,phone,region,tags,notes\nfarmacia-centro\n' +
        'farmacia-norte,Farmacia Norte,"C/ Mayor 1, Madrid",+34 912 345 678,Norte,24h|guardia,Llamar antes de las 9',
    },
  })
  async provision(
    @Body() csv: string,
    @Query('dryRun', new ParseBoolPipe({ optional: true })) dryRun: boolean | undefined,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string | BulkSitesReport> {
    const text = typeof csv === 'string' ? csv : '';
    if (dryRun) {
      response.status(200);
      return this.receivers.previewProvisioning(text);
    }
    const keys = await this.receivers.provision(text, actor);
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', 'attachment; filename="avisa-receiver-keys.csv"');
    response.setHeader('cache-control', 'no-store');
    return keys;
  }

  @Get(':name')
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  get(@Param('name') name: string, @CurrentPrincipal() principal: Principal): Promise<ReceiverResponse> {
    return this.receivers.get(name, principal);
  }

  /** Renames, enables or disables a site, or changes its support details; disabling cuts its connection at once. */
  @Patch(':name')
  update(@Param('name') name: string, @Body() body: UpdateReceiverDto, @CurrentActor() actor: Actor) {
    return this.receivers.update(name, body, actor);
  }

  /** Gives the site a new key (shown once) and cuts the connection made with the old one. */
  @Post(':name/rotate-key')
  @HttpCode(200)
  rotateKey(@Param('name') name: string, @CurrentActor() actor: Actor): Promise<ReceiverWithKeyResponse> {
    return this.receivers.rotateKey(name, actor);
  }

  @Delete(':name')
  @HttpCode(204)
  delete(@Param('name') name: string, @CurrentActor() actor: Actor): Promise<void> {
    return this.receivers.delete(name, actor);
  }

  /** The site's latest connections: address, client version, since, until, why it ended. */
  @Get(':name/connections')
  connections(@Param('name') name: string): Promise<ReceiverConnectionResponse[]> {
    return this.receivers.connections(name);
  }
}
