import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { FileResponse } from '@avisa/contracts';
import type { Response } from 'express';
import { Actor, Principal } from '../common/actor';
import { ANY_ROLE, Authenticated, STAFF_ROLES } from '../common/access/access.decorator';
import { CurrentActor, CurrentPrincipal } from '../common/access/request-context';
import { ReleaseFileDto } from './dto/file.dto';
import { sendAsAttachment } from './attachment-response';
import { FileActionLimits, LimitedAs } from './file-limits';
import { FilesService } from './files.service';
import { fieldError } from '../common/http/api-error';

/** Shared files: staff upload, everyone downloads what is clean or released, admins review and delete. */
@ApiTags('files')
@Controller('files')
@UseGuards(FileActionLimits)
@Authenticated({ roles: ANY_ROLE })
export class FilesController {
  constructor(private readonly files: FilesService) {}

  /** Multipart, field `file`; stored in quarantine and scanned; answers the file as recorded (201). */
  @Post()
  @Authenticated({ roles: STAFF_ROLES })
  @LimitedAs('upload')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
  })
  upload(
    @UploadedFile() file: Express.Multer.File | undefined,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<FileResponse> {
    if (!file) throw fieldError('file', 'file.required');
    return this.files.accept(
      { id: file.filename, path: file.path, originalName: file.originalname, size: file.size },
      principal,
      actor,
    );
  }

  /** Admins: every file; others: what is downloadable, and their own uploads. */
  @Get()
  list(@CurrentPrincipal() principal: Principal): Promise<FileResponse[]> {
    return this.files.list(principal);
  }

  @Get(':id')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<FileResponse> {
    return this.files.get(id, principal);
  }

  /**
   * The file as an attachment, never shown inline from the app's origin: `Content-Disposition: attachment`,
   * `nosniff`, a `sandbox` CSP; ranges (a slow line resumes) and an ETag (its SHA-256).
   */
  @Get(':id/content')
  @LimitedAs('download')
  async content(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ): Promise<void> {
    const { path, file } = await this.files.download(id, principal, actor);
    await sendAsAttachment(res, { path, name: file.name, mime: file.mime, sha256: file.sha256 });
  }

  /** Admins: share a file that has no clean scan (waiting, unscannable), saying why; never an infected one. */
  @Post(':id/release')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  release(@Param('id') id: string, @Body() body: ReleaseFileDto, @CurrentActor() actor: Actor): Promise<FileResponse> {
    return this.files.release(id, body.reason, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ roles: ['admin'] })
  @LimitedAs('delete')
  delete(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<void> {
    return this.files.delete(id, actor);
  }
}
