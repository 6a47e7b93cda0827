import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestServer, WEB_DIR } from './support/server';

const html = { accept: 'text/html,application/xhtml+xml' };

function nonceOf(csp: string): string {
  const match = /'nonce-([^']+)'/.exec(csp);
  if (!match) throw new Error(`no nonce in ${csp}`);
  return match[1];
}

describe('web app served by the server', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await TestServer.start();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('serves the app at / with a strict Content-Security-Policy and a fresh nonce per response', async () => {
    const first = await server.api<string>('GET', '/', { headers: html });
    const second = await server.api<string>('GET', '/', { headers: html });
    expect(first.status).toBe(200);
    expect(String(first.headers['content-type'])).toMatch(/text\/html/);
    const csp = String(first.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const nonce = nonceOf(csp);
    expect(first.body).toMatch(new RegExp(`ngcspnonce="${nonce.replace(/[+/=]/g, '\\$&')}"`, 'i'));
    expect(first.body).not.toContain('__CSP_NONCE__');
    expect(nonceOf(String(second.headers['content-security-policy']))).not.toBe(nonce);
    expect(first.headers['strict-transport-security']).toBeDefined();
    expect(first.headers['cache-control']).toBe('no-store');
  });

  it('answers every app route (a deep link or a reload) with the app', async () => {
    for (const path of ['/operator/compose', '/admin/audit', '/operator/history/123']) {
      const response = await server.api<string>('GET', path, { headers: html });
      expect(response.status).toBe(200);
      expect(response.body).toContain('<av-root');
    }
  });

  it('leaves the API and its errors to the API', async () => {
    const unknown = await server.api('GET', '/api/v1/no-such-thing', { headers: html });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404 });
    const health = await server.api('GET', '/api/v1/health');
    expect(health.status).toBe(200);
  });

  it('serves the built files, hashed ones cached for good', async () => {
    const script = readdirSync(WEB_DIR).find((f) => /^main-[A-Z0-9]{8}\.js$/.test(f));
    expect(script).toBeDefined();
    const response = await server.api<string>('GET', `/${script}`);
    expect(response.status).toBe(200);
    expect(String(response.headers['content-type'])).toMatch(/javascript/);
    expect(response.headers['cache-control']).toContain('immutable');
    const stale = await server.api('GET', '/chunk-OLDBUILD.js');
    expect(stale.status).toBe(404);
    expect(String(stale.headers['content-type'])).not.toMatch(/html/);
  });

  it('says how to build the app when it is missing, and the API still works', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'avisa-e2e-noweb-'));
    const bare = await TestServer.start({ env: { AVISA_WEB_DIR: empty } });
    try {
      const page = await bare.api<string>('GET', '/', { headers: html });
      expect(page.status).toBe(404);
      expect(page.body).toContain('npm run build');
      expect((await bare.api('GET', '/api/v1/health')).status).toBe(200);
    } finally {
      await bare.dispose();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
