import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { diskStorage } from 'multer';
import { AppConfigService } from '../config/app-config.service';
import { FileEntity } from './file.entity';
import { FileActionLimits } from './file-limits';
import { FilesController } from './files.controller';
import { FilesRepository } from './files.repository';
import { FilesService } from './files.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([FileEntity]),
    MulterModule.registerAsync({
      inject: [AppConfigService],
      // Streamed to disk under a name the server makes: nothing the uploader sends reaches a path. Over the size
      // limit multer stops, removes the partial file and Nest answers 413.
      useFactory: (config: AppConfigService) => ({
        storage: diskStorage({
          destination: join(config.filesDir, 'quarantine'),
          filename: (_request, _file, done) => done(null, randomUUID()),
        }),
        limits: { fileSize: config.get('AVISA_FILES_MAX_MB') * 1024 * 1024, files: 1, fields: 0, parts: 2 },
      }),
    }),
  ],
  controllers: [FilesController],
  providers: [FilesRepository, FilesService, FileActionLimits],
  exports: [FilesService],
})
export class FilesModule {}
