import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { PhraseResponse } from '@avisa/contracts';
import { Actor } from '../common/actor';
import { STAFF_ROLES, Authenticated } from '../common/access/access.decorator';
import { CurrentActor } from '../common/access/request-context';
import { PhraseTextDto, ReorderPhrasesDto, ReplacePhrasesDto } from './dto/phrase.dto';
import { PhrasesService } from './phrases.service';

/** The shared, ordered list of quick phrases; every change answers the whole list. */
@ApiTags('phrases')
@Controller('phrases')
@Authenticated({ roles: STAFF_ROLES })
export class PhrasesController {
  constructor(private readonly phrases: PhrasesService) {}

  @Get()
  @Authenticated({ roles: STAFF_ROLES, scopes: ['read'] })
  list(): Promise<PhraseResponse[]> {
    return this.phrases.list();
  }

  /** Appends a phrase at the end; one equal to an existing phrase, ignoring case, is refused. */
  @Post()
  create(@Body() body: PhraseTextDto, @CurrentActor() actor: Actor): Promise<PhraseResponse[]> {
    return this.phrases.create(body.text, actor);
  }

  /** The new order: every phrase id, each once. */
  @Put('order')
  reorder(@Body() body: ReorderPhrasesDto, @CurrentActor() actor: Actor): Promise<PhraseResponse[]> {
    return this.phrases.reorder(body.ids, actor);
  }

  /** Replaces the whole list: trimmed, empty entries and repeats (ignoring case) dropped, order kept. */
  @Put()
  replace(@Body() body: ReplacePhrasesDto, @CurrentActor() actor: Actor): Promise<PhraseResponse[]> {
    return this.phrases.replace(body.phrases, actor);
  }

  @Patch(':id')
  update(
    @Param('id', ParseIntPipe) id: number,
    @Body() body: PhraseTextDto,
    @CurrentActor() actor: Actor,
  ): Promise<PhraseResponse[]> {
    return this.phrases.update(id, body.text, actor);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', ParseIntPipe) id: number, @CurrentActor() actor: Actor): Promise<void> {
    return this.phrases.delete(id, actor);
  }
}
