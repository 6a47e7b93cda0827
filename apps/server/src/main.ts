import { Logger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:https';
import { AppModule } from './app.module';
import { RedisIoAdapter } from './cluster/redis-io-adapter';
import { SocketIoAdapter } from './common/sockets/socket-io-adapter';
import { expressPlatform } from './common/http/express-platform';
import { useRequestPipeline } from './common/http/request-pipeline';
import { AppEnvironment, ConfigurationError, readEnvironment } from './config/environment';
import { createServerLogger } from './logging/server-logger';
import { loadOrCreateCertificate } from './tls/tls-certificate';
import { TLS_SERVER_OPTIONS } from './tls/tls-options';
import { serveWebApp } from './web/web-app';

export const API_PREFIX = 'api/v1';

export async function createApp(env: AppEnvironment): Promise<NestExpressApplication> {
  mkdirSync(env.AVISA_LOG_DIR, { recursive: true });
  const logger = createServerLogger(env.AVISA_LOG_DIR, env.AVISA_LOG_LEVEL);
  Logger.overrideLogger(logger);
  const tls = await loadOrCreateCertificate({
    certFile: env.AVISA_TLS_CERT,
    keyFile: env.AVISA_TLS_KEY,
    certsDir: env.AVISA_CERTS_DIR,
    extraHostnames: env.AVISA_TLS_HOSTNAMES.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
  const platform = expressPlatform();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), platform.adapter, {
    httpsOptions: { ...TLS_SERVER_OPTIONS, ...platform.serverOptions, cert: tls.cert, key: tls.key },
    logger,
    bodyParser: false,
    abortOnError: false,
  });
  useRequestPipeline(app, env);
  app.setGlobalPrefix(API_PREFIX, { exclude: [{ path: 'api/docs', method: RequestMethod.ALL }] });
  const openApi = new DocumentBuilder()
    .setTitle('Avisa API')
    .setDescription('Real-time alerts for networks of client sites. Authenticate with "Authorization: Bearer <token>".')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  serveWebApp(app, env.AVISA_WEB_DIR);
  app.useWebSocketAdapter(env.AVISA_REDIS_URL ? new RedisIoAdapter(app) : new SocketIoAdapter(app));
  app.enableShutdownHooks();
  return app;
}

/**
 * Connections the kernel may hold until the server accepts them; Linux caps it at `net.core.somaxconn` (4096 by
 * default). Node's default of 511 overflows when thousands of sites come back at once after a restart: the kernel
 * then drops their handshakes' packets, and the sites wait out seconds of TCP retransmission, up to their connect
 * timeout, before the server has even seen them.
 */
const LISTEN_BACKLOG = 65_535;

async function bootstrap(): Promise<void> {
  let env: AppEnvironment;
  try {
    env = readEnvironment();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  try {
    const app = await createApp(env);
    const server = app.getHttpServer() as Server;
    // Longer than browsers keep idle connections: a request sent on a socket the server is just closing has to be
    // sent again.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    // Nest's listen() passes no backlog on to Node's.
    await app.init();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: env.AVISA_PORT, host: env.AVISA_HOST, backlog: LISTEN_BACKLOG }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    Logger.log(
      `Avisa listening on https://${env.AVISA_HOST === '0.0.0.0' ? 'localhost' : env.AVISA_HOST}:${env.AVISA_PORT}`,
      'Bootstrap',
    );
  } catch (error) {
    const message =
      error instanceof ConfigurationError
        ? error.message
        : `Start-up failed: ${(error as Error).stack ?? String(error)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}

if (require.main === module) void bootstrap();
