import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfigService } from './app-config.service';
import type { AppEnvironment } from './environment';

@Global()
@Module({})
export class AppConfigModule {
  static forRoot(environment: AppEnvironment): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => environment], cache: true })],
      providers: [AppConfigService],
      exports: [AppConfigService],
    };
  }
}
