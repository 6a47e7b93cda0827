import { Controller, Get, Post } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { AccessDeclarationsCheck } from './access-declarations.check';
import { Authenticated, Public } from './access.decorator';

@Controller('declared')
@Authenticated({ roles: ['admin'] })
class DeclaredController {
  @Get()
  list() {
    return [];
  }

  @Get('open')
  @Public()
  open() {
    return 'ok';
  }
}

@Controller('forgotten')
class ForgottenController {
  @Post()
  create() {
    return 'oops';
  }

  helper() {
    return 'not a route';
  }
}

async function checkFor(...controllers: (new () => object)[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    controllers,
    providers: [AccessDeclarationsCheck],
  }).compile();
  return moduleRef.get(AccessDeclarationsCheck);
}

describe('AccessDeclarationsCheck', () => {
  it('passes when every route declares its access, at class or method level', async () => {
    const check = await checkFor(DeclaredController);
    expect(check.undeclaredRoutes()).toEqual([]);
    expect(() => check.onApplicationBootstrap()).not.toThrow();
  });

  it('names each route that forgot, and stops start-up', async () => {
    const check = await checkFor(DeclaredController, ForgottenController);
    expect(check.undeclaredRoutes()).toEqual(['ForgottenController.create']);
    expect(() => check.onApplicationBootstrap()).toThrow(/ForgottenController\.create/);
  });
});
