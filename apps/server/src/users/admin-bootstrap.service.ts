import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { passwordProblem } from '../common/password-policy';
import { SYSTEM_ACTOR } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { Clock } from '../common/system/clock';
import { CryptoService } from '../common/system/crypto.service';
import { AppConfigService } from '../config/app-config.service';
import { ConfigurationError } from '../config/environment';
import { UsersRepository } from './users.repository';

export const BUILTIN_ADMIN = 'admin';

/** First start: creates the built-in admin with the configured password, or a random one shown once. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly crypto: CryptoService,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly config: AppConfigService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.users.findBuiltin()) return;
    const configured = this.config.get('AVISA_ADMIN_PASSWORD');
    if (configured) {
      const problem = passwordProblem(configured, BUILTIN_ADMIN);
      if (problem) throw new ConfigurationError(`Invalid configuration:\n  - AVISA_ADMIN_PASSWORD: ${problem}`);
    }
    const password = configured || this.crypto.randomToken('', 18);
    const now = this.clock.now();
    try {
      await this.users.create({
        username: BUILTIN_ADMIN,
        // Neutral in every language: the display name is the login until an admin renames it.
        displayName: BUILTIN_ADMIN,
        role: 'admin',
        enabled: true,
        builtin: true,
        passwordHash: await this.crypto.hashPassword(password),
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      // Several instances started together on a new database: another one created it first.
      if (await this.users.findBuiltin()) return;
      throw error;
    }
    await this.events.emit('user.created', { actor: SYSTEM_ACTOR, target: BUILTIN_ADMIN, details: { role: 'admin' } });
    if (configured) {
      this.logger.log('Created the built-in "admin" account with the password from AVISA_ADMIN_PASSWORD');
    } else {
      this.logger.warn('Created the built-in "admin" account with a random password, printed once on the console');
      // Straight to the terminal, never through the logger: the password must not land in servidor.log.
      process.stdout.write(
        `\n  Avisa: the "admin" password is: ${password}\n  It is shown only this once. Log in and change it.\n\n`,
      );
    }
  }
}
