import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeUploadName, judgeContent, nameForType, sanitizeFileName } from './file-content';

describe('sanitizeFileName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\x\\..\\report.pdf', 'report.pdf'],
    ['.htaccess', 'htaccess'],
    ['evil\u0000.txt', 'evil_.txt'],
    ['a<b>c:"d|e?f*.txt', 'a_b_c__d_e_f_.txt'],
    ['', 'file'],
    ['../', 'file'],
  ])('%j becomes %j', (raw, clean) => {
    expect(sanitizeFileName(raw)).toBe(clean);
  });

  it('shortens a long name but keeps its extension', () => {
    const name = sanitizeFileName(`${'x'.repeat(300)}.pdf`);
    expect(name).toHaveLength(200);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('decodeUploadName', () => {
  it('reads the UTF-8 a browser sends (which arrives as Latin-1)', () => {
    expect(decodeUploadName(Buffer.from('Retirada año.pdf').toString('latin1'))).toBe('Retirada año.pdf');
  });
});

describe('judgeContent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'avisa-content-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const judge = (name: string, content: string | Buffer) => {
    const path = join(dir, name.replace(/[^a-z.]/g, '_'));
    writeFileSync(path, content);
    return judgeContent(path, name);
  };

  it('accepts a PDF by its magic bytes whatever it is called', async () => {
    expect(await judge('scan.png', '%PDF-1.4\n%%EOF\n')).toEqual({
      allowed: true,
      ext: 'pdf',
      mime: 'application/pdf',
    });
    expect(nameForType('scan.png', 'pdf')).toBe('scan.pdf');
  });

  it('refuses an executable', async () => {
    const verdict = await judge('tool.pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]));
    expect(verdict.allowed).toBe(false);
  });

  it('accepts plain text and CSV only when so named and without markup or NUL bytes', async () => {
    expect(await judge('notes.txt', 'hola\n')).toEqual({ allowed: true, ext: 'txt', mime: 'text/plain' });
    expect(await judge('prices.csv', 'a;b\n1;2\n')).toMatchObject({ allowed: true, ext: 'csv' });
    expect((await judge('notes.txt', '<svg onload=alert(1)>')).allowed).toBe(false);
    expect((await judge('notes.txt', Buffer.from([0x68, 0, 0x69]))).allowed).toBe(false);
    expect((await judge('page.html', 'hola')).allowed).toBe(false);
  });
});
