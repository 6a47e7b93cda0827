import { Body, Controller, Delete, Get, Param, ParseIntPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ApiTokenResponse, CreatedApiTokenResponse } from '@avisa/contracts';
import { Actor } from '../common/actor';
import { Authenticated } from '../common/access/access.decorator';
import { CurrentActor } from '../common/access/request-context';
import { ApiTokensService } from './api-tokens.service';
import { CreateApiTokenDto } from './dto/api-token.dto';

@ApiTags('api-tokens')
@Controller('api-tokens')
@Authenticated({ roles: ['admin'] })
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  /** All tokens, without their secrets. */
  @Get()
  list(): Promise<ApiTokenResponse[]> {
    return this.tokens.list();
  }

  /** Creates a token; the secret is in this answer only. */
  @Post()
  create(@Body() body: CreateApiTokenDto, @CurrentActor() actor: Actor): Promise<CreatedApiTokenResponse> {
    return this.tokens.create(body, actor);
  }

  /** Revokes a token at once; it stays listed as revoked. */
  @Delete(':id')
  revoke(@Param('id', ParseIntPipe) id: number, @CurrentActor() actor: Actor): Promise<ApiTokenResponse> {
    return this.tokens.revoke(id, actor);
  }
}
