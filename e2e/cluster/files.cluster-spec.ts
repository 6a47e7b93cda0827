import type { FileResponse } from '@avisa/contracts';
import { randomBytes } from 'node:crypto';
import { Clamd } from '../support/clamd';
import { passes } from '../support/eventually';
import { TestServer } from '../support/server';

const CONTENT = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** With several instances the files folder is shared: a file uploaded through one is scanned and served by any. */
describe('shared files across two instances', () => {
  let clamd: Clamd;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    clamd = await Clamd.start();
    a = await TestServer.start({ env: { AVISA_CLAMD_SOCKET: clamd.socket } });
    b = await TestServer.startAnother(a, {
      AVISA_CLAMD_SOCKET: clamd.socket,
      AVISA_FILES_DIR: a.path('data', 'files'),
    });
  });

  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
    await clamd?.stop();
  });

  it('uploads through instance A and downloads the same bytes through instance B', async () => {
    const admin = await a.loginAdmin();
    const boundary = `----avisa${randomBytes(6).toString('hex')}`;
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="circular.pdf"\r\n` +
          'Content-Type: application/pdf\r\n\r\n',
      ),
      CONTENT,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const uploaded = await a.bytes('POST', '/api/v1/files', {
      token: admin,
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(uploaded.status).toBe(201);
    const file = JSON.parse(uploaded.body.toString()) as FileResponse;
    const tokenOnB = await b.loginAdmin();
    await passes(async () => {
      const seen = await b.api<FileResponse>('GET', `/api/v1/files/${file.id}`, { token: tokenOnB });
      expect(seen.body.state).toBe('clean');
    }, 15_000);
    const downloaded = await b.bytes('GET', `/api/v1/files/${file.id}/content`, { token: tokenOnB });
    expect(downloaded.status).toBe(200);
    expect(downloaded.body.equals(CONTENT)).toBe(true);
  });
});
