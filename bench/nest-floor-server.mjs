/* global process */
/* eslint-disable no-restricted-properties -- the bench is not the server: it reads its options from the environment */
// What the HTTP framework alone costs: a Nest application on Express over HTTPS with Avisa's certificate, one route,
// no database and no sockets. `POST /api/v1/messages` answers 201 with a fresh id and does nothing else.
// NEST_FLOOR_MODE picks how much of Avisa's request pipeline sits in front of it:
//   bare       — the platform's own JSON body parser, nothing more;
//   platform   — (Express only) as bare, on Avisa's expressPlatform(): requests and responses born with Express's
//                prototypes, so that Express does not swap them per request;
//   validation — as bare, plus a global guard that reads the route's access metadata and the global validation
//                pipe with the real SendMessageDto (both from the build): Nest's share of Avisa's pipeline;
//   pipeline   — (Express only) all that every Avisa request passes through: validation as above, on Avisa's
//                expressPlatform(), and Avisa's own useRequestPipeline (body parsers with the default size and depth
//                limits, helmet, CORS).
// NEST_FLOOR_PLATFORM: express (default) or fastify. @nestjs/platform-fastify is not a dependency of Avisa: Nest and
// the platform are then loaded from the folder NEST_FLOOR_FASTIFY_DIR names, e.g. after `cd /tmp/fsx && npm init -y
// && npm i @nestjs/platform-fastify@12.1.1 @nestjs/core@12.5.1 @nestjs/common@12.5.1 reflect-metadata rxjs`
// (12.1 is the last that runs on Node 20).
// Plain JavaScript, so the decorators are applied by hand, as TypeScript would emit them.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const mode = process.env.NEST_FLOOR_MODE ?? 'bare';
const pipeline = mode === 'pipeline';
const validation = pipeline || mode === 'validation';
const avisaPlatform = pipeline || mode === 'platform';
const fastify = process.env.NEST_FLOOR_PLATFORM === 'fastify';
const require = createRequire(import.meta.url);
// Nest's decorators and factory must come from the same copy of Nest as the platform.
const nestRequire = fastify ? createRequire(join(process.env.NEST_FLOOR_FASTIFY_DIR ?? '', 'package.json')) : require;
nestRequire('reflect-metadata');
const { Body, Controller, Injectable, Module, Post } = nestRequire('@nestjs/common');
const { APP_GUARD, APP_PIPE, NestFactory, Reflector } = nestRequire('@nestjs/core');
const BUILD = '../dist/apps/server/apps/server/src';
const { SendMessageDto } = require(`${BUILD}/messaging/dto/message.dto.js`);
const { createValidationPipe } = require(`${BUILD}/common/http/validation.js`);
const { useRequestPipeline } = require(`${BUILD}/common/http/request-pipeline.js`);
const { expressPlatform } = require(`${BUILD}/common/http/express-platform.js`);
const { TLS_SERVER_OPTIONS } = require(`${BUILD}/tls/tls-options.js`);
const { ACCESS_KEY } = require(`${BUILD}/common/access/access.decorator.js`);

const [certFile, keyFile, portArg] = process.argv.slice(2);
const decorate = (decorators, target, key, descriptor) => Reflect.decorate(decorators, target, key, descriptor);

class MessagesController {
  send(body) {
    return { id: randomUUID(), text: body.text.length };
  }
}
decorate(
  [Post(), Reflect.metadata('design:paramtypes', [validation ? SendMessageDto : Object])],
  MessagesController.prototype,
  'send',
  Object.getOwnPropertyDescriptor(MessagesController.prototype, 'send'),
);
Body()(MessagesController.prototype, 'send', 0);
decorate([Controller('messages')], MessagesController);

/** Avisa's guard reads the route's access rule from its metadata; this one reads it and lets everything through. */
class OpenGuard {
  constructor(reflector) {
    this.reflector = reflector;
  }
  canActivate(context) {
    this.reflector.getAllAndOverride(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    return true;
  }
}
decorate([Injectable(), Reflect.metadata('design:paramtypes', [Reflector])], OpenGuard);

class FloorModule {}
decorate(
  [
    Module({
      controllers: [MessagesController],
      providers: validation
        ? [
            { provide: APP_PIPE, useFactory: createValidationPipe },
            { provide: APP_GUARD, useClass: OpenGuard },
          ]
        : [],
    }),
  ],
  FloorModule,
);

const platform = avisaPlatform && !fastify ? expressPlatform() : null;
const httpsOptions = { ...TLS_SERVER_OPTIONS, cert: readFileSync(certFile), key: readFileSync(keyFile) };
const app = fastify
  ? await NestFactory.create(
      FloorModule,
      new (nestRequire('@nestjs/platform-fastify').FastifyAdapter)({ https: httpsOptions }),
      {
        logger: ['error'],
      },
    )
  : await NestFactory.create(FloorModule, ...(platform ? [platform.adapter] : []), {
      httpsOptions: { ...httpsOptions, ...platform?.serverOptions },
      logger: ['error'],
      bodyParser: !pipeline,
    });
if (pipeline && !fastify) {
  useRequestPipeline(app, { AVISA_TRUST_PROXY: false, AVISA_BODY_LIMIT: '100kb', AVISA_CORS_ORIGINS: '' });
}
app.setGlobalPrefix('api/v1');
await app.listen(Number(portArg), '127.0.0.1');
process.send?.({ type: 'listening' });
