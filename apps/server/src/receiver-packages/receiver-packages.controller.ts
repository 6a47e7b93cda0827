import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Req, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { ReceiverPackageManifest, ReceiverUpdatesResponse, RolloutResponse } from '@avisa/contracts';
import type { Request } from 'express';
import { createReadStream, statSync } from 'node:fs';
import { Actor } from '../common/actor';
import { Authenticated, Public } from '../common/access/access.decorator';
import { CurrentActor } from '../common/access/request-context';
import { InstallerDto, StartRolloutDto } from './dto/receiver-updates.dto';
import { InstallerService } from './installer.service';
import { PackageStore } from './package-store';
import { ReceiverUpdatesService } from './receiver-updates.service';
import { apiError } from '../common/http/api-error';

const noPackages = () => apiError('package.none');

/**
 * The receiver packages, for a site's installer and a receiver's update: public, since they hold no secret and a
 * site fetches them before it has a key configured; their integrity comes from the signed manifest and its hashes.
 */
@ApiTags('receiver-packages')
@Controller('receiver-packages')
@Public()
export class ReceiverPackagesController {
  constructor(private readonly store: PackageStore) {}

  @Get()
  manifest(): ReceiverPackageManifest {
    const packages = this.store.current();
    if (!packages) throw noPackages();
    return packages.manifest;
  }

  @Get(':file')
  @ApiProduces('application/octet-stream')
  @Header('x-content-type-options', 'nosniff')
  file(@Param('file') name: string): StreamableFile {
    const path = this.store.filePath(name);
    if (!path) throw apiError('package.not_found', { name: name.slice(0, 128) });
    return new StreamableFile(createReadStream(path), {
      type: 'application/octet-stream',
      disposition: `attachment; filename="${name}"`,
      length: statSync(path).size,
    });
  }
}

@ApiTags('receiver-updates')
@Controller('receiver-updates')
@Authenticated({ roles: ['admin'] })
export class ReceiverUpdatesController {
  constructor(private readonly updates: ReceiverUpdatesService) {}

  /** The version the server serves, the rollout in force, and each site's last update report. */
  @Get()
  status(): Promise<ReceiverUpdatesResponse> {
    return this.updates.status();
  }

  /** Offers the served version to every site running an older one: now, or in the night window. */
  @Post()
  start(@Body() body: StartRolloutDto, @CurrentActor() actor: Actor): Promise<RolloutResponse> {
    return this.updates.startRollout(body, actor);
  }

  /** Stops offering the update; sites already updated keep their version. */
  @Delete()
  @HttpCode(204)
  cancel(@CurrentActor() actor: Actor): Promise<void> {
    return this.updates.cancelRollout(actor);
  }
}

@ApiTags('receivers')
@Controller('receivers')
@Authenticated({ roles: ['admin'] })
export class ReceiverInstallerController {
  constructor(private readonly installers: InstallerService) {}

  @Post(':name/installer')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: "A one-file installer carrying this server's address and certificate, the site's name and its key",
    description:
      'Send the key shown when the site was created or its key rotated; any other key is refused (403). ' +
      'linux: a sh script that installs the .deb; windows: a PowerShell script that installs the MSI.',
  })
  @ApiOkResponse({ description: 'attachment avisa-install-<site>.sh or .ps1', schema: { type: 'string' } })
  async installer(
    @Param('name') name: string,
    @Body() body: InstallerDto,
    @Req() request: Request,
    @CurrentActor() actor: Actor,
  ): Promise<StreamableFile> {
    const origin = request.headers.origin ?? `https://${request.headers.host ?? ''}`;
    const installer = await this.installers.build(name, body, origin, actor);
    return new StreamableFile(Buffer.from(installer.body, 'utf8'), {
      type: `${installer.contentType}; charset=utf-8`,
      disposition: `attachment; filename="${installer.fileName}"`,
    });
  }
}
