import {
  INSTALLER_PLATFORMS,
  UPDATE_WHEN,
  VERSION_PATTERN,
  type InstallerPlatform,
  type InstallerRequest,
  type StartRolloutRequest,
  type UpdateWhen,
} from '@avisa/contracts';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';

export class StartRolloutDto implements StartRolloutRequest {
  /** The version the server serves (see GET /receiver-updates → available.version). */
  @IsString()
  @Matches(VERSION_PATTERN, { message: 'version must look like 1.2.3' })
  version!: string;

  /** `now`: offered to every site behind it at once; `night`: only inside AVISA_RECEIVER_UPDATE_NIGHT. */
  @IsIn(UPDATE_WHEN, { message: `when must be one of ${UPDATE_WHEN.join(', ')}` })
  when!: UpdateWhen;
}

export class InstallerDto implements InstallerRequest {
  /** The site's key, as shown when the site was created or its key rotated. */
  @IsString()
  @MaxLength(200)
  key!: string;

  @IsIn(INSTALLER_PLATFORMS, { message: `platform must be one of ${INSTALLER_PLATFORMS.join(', ')}` })
  platform!: InstallerPlatform;
}
