import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { FilesModule } from '../files/files.module';
import { JobRunner } from '../cluster/job-runner';
import { AppConfigService } from '../config/app-config.service';
import { UsersModule } from '../users/users.module';
import { RoomEntity, RoomMemberEntity, RoomMessageEntity, RoomTokenEntity } from './room.entity';
import { RoomMessagesService } from './room-messages.service';
import { RoomsController } from './rooms.controller';
import { RoomsRepository } from './rooms.repository';
import { RoomsService } from './rooms.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([RoomEntity, RoomMemberEntity, RoomMessageEntity, RoomTokenEntity]),
    UsersModule,
    AuthModule,
    FilesModule,
  ],
  controllers: [RoomsController],
  providers: [RoomsRepository, RoomsService, RoomMessagesService],
  exports: [RoomsService, RoomMessagesService],
})
export class RoomsModule implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobRunner,
    private readonly messages: RoomMessagesService,
    private readonly config: AppConfigService,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every('room-retention', this.config.get('AVISA_ROOM_RETENTION_INTERVAL_SECONDS') * 1000, async () => {
      await this.messages.applyRetention();
    });
  }
}
