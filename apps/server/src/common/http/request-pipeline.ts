import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { AppEnvironment } from '../../config/environment';
import { jsonDepthLimit } from './json-depth';

/** What every request passes through before its route: body parsers with the size and depth limits, helmet, CORS. */
export function useRequestPipeline(
  app: NestExpressApplication,
  env: Pick<AppEnvironment, 'AVISA_TRUST_PROXY' | 'AVISA_BODY_LIMIT' | 'AVISA_CORS_ORIGINS'>,
): void {
  if (env.AVISA_TRUST_PROXY) app.set('trust proxy', true);
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: env.AVISA_BODY_LIMIT });
  app.use(jsonDepthLimit());
  app.useBodyParser('text', { limit: env.AVISA_BODY_LIMIT, type: ['text/csv', 'text/plain'] });
  app.use(
    helmet({
      hsts: { maxAge: 31_536_000, includeSubDomains: true },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  const origins = env.AVISA_CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  app.enableCors({ origin: origins.length ? origins : false, methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] });
}
