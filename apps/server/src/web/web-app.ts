import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const NONCE_PLACEHOLDER = '__CSP_NONCE__';
/** Paths the web app never answers: the API, its docs and the sockets. */
const SERVER_PATHS = /^\/(api|socket\.io)(\/|$)/;
const HASHED_ASSET = /-[A-Z0-9]{8}\.(js|css|woff2?|ttf|svg)$/;
/** A request for a file (a chunk from an older build, say) gets a 404, never the page in its place. */
const FILE_PATH = /\.[a-z0-9]+$/i;

/**
 * The page's policy: scripts only from this origin; styles from this origin or carrying this
 * response's nonce (Angular stamps it on the component styles it inserts); nothing inline else.
 */
export function webAppContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

/** Serves the built Angular app at `/`: its files, and index.html (with a fresh nonce) for every app route. */
export function serveWebApp(app: NestExpressApplication, webDir: string): void {
  const dir = resolve(webDir);
  const indexFile = join(dir, 'index.html');
  const logger = new Logger('WebApp');
  if (!existsSync(indexFile)) {
    logger.warn(`web app not found in ${dir} (run "npm run build"); the API still works`);
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' || SERVER_PATHS.test(req.path)) return next();
      res.status(404).type('text/plain').send(`The web app is not built: run "npm run build" (looked in ${dir}).`);
    });
    return;
  }
  const index = readFileSync(indexFile, 'utf8');
  app.use(
    express.static(dir, {
      index: false,
      setHeaders: (res, path) => {
        res.setHeader('Cache-Control', HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.path)) return next();
    if (FILE_PATH.test(req.path)) {
      res.status(404).type('text/plain').send(`${req.path} is not part of this build of the web app`);
      return;
    }
    if (!req.accepts('html')) return next();
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', webAppContentSecurityPolicy(nonce));
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(index.replaceAll(NONCE_PLACEHOLDER, nonce));
  });
  logger.log(`serving the web app from ${dir}`);
}
