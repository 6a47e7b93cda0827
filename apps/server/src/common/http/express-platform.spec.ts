import type { Express } from 'express';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressPlatform } from './express-platform';

describe('expressPlatform', () => {
  it('serves requests whose prototypes Express never has to swap, with all of Express on them', async () => {
    const { adapter, serverOptions } = expressPlatform();
    const app = adapter.getInstance<Express>();
    const seen: { requestKept: boolean; responseKept: boolean }[] = [];
    app.use((req, res, next) => {
      // What Express itself sets on every request before any middleware: the prototypes the server built them with.
      seen.push({
        requestKept: Object.getPrototypeOf(req) === serverOptions.IncomingMessage!.prototype,
        responseKept: Object.getPrototypeOf(res) === serverOptions.ServerResponse!.prototype,
      });
      next();
    });
    app.get('/probe', (req, res) => {
      res.status(202).json({ path: req.path, host: req.hostname, accepts: req.accepts('json') });
    });
    const server = createServer(serverOptions, app as (req: IncomingMessage, res: ServerResponse) => void);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        httpRequest({ port, host: '127.0.0.1', path: '/probe?x=1', headers: { accept: 'application/json' } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        })
          .on('error', reject)
          .end();
      });
      expect(answer).toEqual({
        status: 202,
        body: JSON.stringify({ path: '/probe', host: '127.0.0.1', accepts: 'json' }),
      });
      expect(seen).toEqual([{ requestKept: true, responseKept: true }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
