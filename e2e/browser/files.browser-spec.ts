import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { Clamd, INFECTED_SAMPLE } from '../support/clamd';
import type { TestServer } from '../support/server';
import {
  createOperator,
  openLoggedIn,
  screenshot,
  startWebServer,
  textOf,
  until,
  useBrowser,
  type Credentials,
} from './support/browser';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** The Files area: upload with live scanning, downloads by members, the admin's quarantine review. */
describe('browser: shared files', () => {
  const browser = useBrowser();
  let clamd: Clamd;
  let server: TestServer;
  let admin: string;
  const ana: Credentials = { username: 'ana', password: 'Ana-Soporte-2026' };
  const luis: Credentials = { username: 'luis', password: 'Luis-Farmacia-2026' };

  beforeAll(async () => {
    clamd = await Clamd.start();
    server = await startWebServer({ env: { AVISA_CLAMD_SOCKET: clamd.socket } });
    admin = await server.loginAdmin();
    await createOperator(server, admin, ana, 'Ana Soporte');
    await createOperator(server, admin, luis, 'Luis Farmacia', 'member');
  });
  afterAll(async () => {
    await server?.dispose();
    await clamd?.stop();
  });

  const row = (page: Page, name: string) => page.getByTestId(`file-${name}`);
  const upload = (page: Page, name: string, buffer: Buffer) =>
    page.getByTestId('file-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });

  it('uploads, shows the scan result live, and lets a member download the clean file', async () => {
    const page = await openLoggedIn(browser, server, ana, '/files');
    await upload(page, 'Circular 12.pdf', PDF);
    expect(await textOf(row(page, 'Circular 12.pdf').getByTestId('file-state'), 'Limpio')).toBe('Limpio');

    const member = await openLoggedIn(browser, server, luis, '/files');
    expect(await member.getByTestId('drop-zone').count()).toBe(0);
    const download = member.waitForEvent('download');
    await row(member, 'Circular 12.pdf').getByTestId('download-file').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('Circular 12.pdf');
    expect(readFileSync((await file.path())!).equals(PDF)).toBe(true);
    await screenshot(page, 'files');
  });

  it("keeps an infected upload in quarantine with the scanner's reason, for an admin to delete", async () => {
    const page = await openLoggedIn(browser, server, ana, '/files');
    await upload(page, 'recall.pdf', readFileSync(INFECTED_SAMPLE));
    expect(await textOf(row(page, 'recall.pdf').getByTestId('file-state'), 'Infectado')).toBe('Infectado');
    expect(await textOf(row(page, 'recall.pdf'), 'clam.pdf.UNOFFICIAL')).toContain('clam.pdf.UNOFFICIAL');

    const adminPage = await openLoggedIn(
      browser,
      server,
      { username: 'admin', password: 'Avisa-e2e-admin-Pw!' },
      '/files',
    );
    await adminPage.getByTestId('review-only').click();
    await row(adminPage, 'recall.pdf').waitFor();
    // The filter applies on the next render: the clean file leaves the list then.
    const clean = () => row(adminPage, 'Circular 12.pdf').count();
    expect(await until(clean, (n) => n === 0)).toBe(0);
    expect(await row(adminPage, 'recall.pdf').getByTestId('release-file').count()).toBe(0);
    await row(adminPage, 'recall.pdf').getByTestId('delete-file').click();
    await adminPage.locator('mat-dialog-container').getByRole('button', { name: 'Eliminar' }).click();
    await row(adminPage, 'recall.pdf').waitFor({ state: 'detached' });
    await row(page, 'recall.pdf').waitFor({ state: 'detached' });
  });
});
