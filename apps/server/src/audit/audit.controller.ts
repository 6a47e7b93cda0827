import { Body, Controller, Get, Header, Put, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AUDIT_CSV_COLUMNS, AUDIT_EXPORT_MAX_ROWS, type AuditLastReadResponse, type AuditPage } from '@avisa/contracts';
import { Actor, Principal } from '../common/actor';
import { Authenticated } from '../common/access/access.decorator';
import { CurrentActor, CurrentPrincipal } from '../common/access/request-context';
import { AuditService } from './audit.service';
import { AuditExportQueryDto, AuditLastReadDto, AuditQueryDto } from './dto/audit-query.dto';

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

  @Get('export')
  @ApiOperation({
    summary: 'The audit events matching the filters, as CSV',
    description:
      `Same filters as GET /audit (from, to, user, q), no paging; newest first, at most ` +
      `${AUDIT_EXPORT_MAX_ROWS.toLocaleString('en')} rows (the newest ones). Columns: ${AUDIT_CSV_COLUMNS.join(',')}. ` +
      `Cells a spreadsheet would run as a formula (starting with = + - @ tab or CR) get a leading '. ` +
      'The export is itself audited as audit.exported.',
  })
  @ApiProduces('text/csv')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ description: 'attachment avisa-auditoria-<server date>.csv', schema: { type: 'string' } })
  async export(@Query() query: AuditExportQueryDto, @CurrentActor() actor: Actor): Promise<StreamableFile> {
    const { fileName, csv } = await this.audit.export(query, actor);
    return new StreamableFile(Buffer.from(csv, 'utf8'), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="${fileName}"`,
    });
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
