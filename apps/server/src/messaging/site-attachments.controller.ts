import { Controller, Get, Headers, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/access/access.decorator';
import { clientIp } from '../common/access/request-context';
import { sendAsAttachment } from '../files/attachment-response';
import { SiteAttachmentsService } from './site-attachments.service';

/** Sites fetch the files attached to alerts they received, with their own key (see docs/protocol.md). */
@ApiTags('messages')
@Controller('messages')
export class SiteAttachmentsController {
  constructor(private readonly attachments: SiteAttachmentsService) {}

  /**
   * For a site's receiver, not for users: headers `X-Avisa-Site: <name>` and `Authorization: Bearer <site key>`.
   * An attachment as a download, with ranges and an ETag (its SHA-256); 403 for a file that site did not receive
   * with that alert.
   */
  @Get(':id/attachments/:fileId')
  @Public()
  @ApiHeader({ name: 'X-Avisa-Site', description: "The site's name", required: true })
  async download(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('fileId', new ParseUUIDPipe()) fileId: string,
    @Headers('x-avisa-site') site: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Req() request: Request,
    @Res() res: Response,
  ): Promise<void> {
    const key = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const file = await this.attachments.open(id, fileId, { site, key, ip: clientIp(request) });
    await sendAsAttachment(res, file);
  }
}
