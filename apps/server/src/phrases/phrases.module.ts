import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PhraseEntity } from './phrase.entity';
import { PhrasesController } from './phrases.controller';
import { PhrasesRepository } from './phrases.repository';
import { PhrasesService } from './phrases.service';

@Module({
  imports: [TypeOrmModule.forFeature([PhraseEntity])],
  controllers: [PhrasesController],
  providers: [PhrasesRepository, PhrasesService],
})
export class PhrasesModule {}
