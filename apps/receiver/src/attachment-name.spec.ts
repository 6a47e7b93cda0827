import { safeSegment, sanitizeAttachmentName, uniqueName } from './attachment-name';

describe('sanitizeAttachmentName', () => {
  it.each([
    ['Retirada lote 42.pdf', 'Retirada lote 42.pdf'],
    ['Protocolo frío.pdf', 'Protocolo frío.pdf'],
    ['../../etc/passwd', '_._etc_passwd'],
    ['..\\..\\Windows\\win.ini', '_._Windows_win.ini'],
    ['C:\\Users\\x\\report.pdf', 'C__Users_x_report.pdf'],
    ['.bashrc', 'bashrc'],
    ['...', 'attachment-f1'],
    ['a/../b.pdf', 'a_._b.pdf'],
    ['evil\u0000name\u0007.txt', 'evil_name_.txt'],
    ['tab\tand\nnewline.csv', 'tab_and_newline.csv'],
    ['a<b>c:"d|e?f*.txt', 'a_b_c__d_e_f_.txt'],
    ['100%PATH%.pdf', '100_PATH_.pdf'],
    ['factura\u202efdp.exe', 'factura_fdp.exe'],
    ['report.pdf. . ', 'report.pdf'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['lpt1.pdf', '_lpt1.pdf'],
    ['console.pdf', 'console.pdf'],
    ['', 'attachment-f1'],
    ['///', 'attachment-f1'],
  ])('%j becomes %j', (raw, clean) => {
    expect(sanitizeAttachmentName(raw, 'f1')).toBe(clean);
  });

  it('never leaves a path separator, a parent step or a control character', () => {
    for (const raw of ['../x', '..', '/', '\\\\server\\share\\x', 'a\u0085b', '\u007f']) {
      const name = sanitizeAttachmentName(raw, 'f1');
      // eslint-disable-next-line no-control-regex -- what must not be there
      expect(name).not.toMatch(/[/\\]|\.\.|[\u0000-\u001f\u007f-\u009f]/);
      expect(name.startsWith('.')).toBe(false);
    }
  });

  it('shortens a long name to 200 bytes of UTF-8, keeping its extension', () => {
    const name = sanitizeAttachmentName(`${'ñ'.repeat(300)}.pdf`, 'f1');
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    expect(name.endsWith('ñ.pdf')).toBe(true);
  });

  it('falls back to the file id made safe', () => {
    expect(sanitizeAttachmentName('', '3e1c6d22-d5d4-4ef6-9fc6-fdf6da2a3357')).toBe(
      'attachment-3e1c6d22-d5d4-4ef6-9fc6-fdf6da2a3357',
    );
    expect(sanitizeAttachmentName('..', '../x')).toBe('attachment-___x');
  });
});

describe('safeSegment', () => {
  it('keeps a UUID and makes anything else one harmless segment', () => {
    expect(safeSegment('3e1c6d22-d5d4-4ef6-9fc6-fdf6da2a3357')).toBe('3e1c6d22-d5d4-4ef6-9fc6-fdf6da2a3357');
    expect(safeSegment('../../etc')).toBe('______etc');
    expect(safeSegment('..')).toBe('id-2e2e');
  });
});

describe('uniqueName', () => {
  it('numbers a name an earlier attachment of the alert took, whatever its case', () => {
    expect(uniqueName('Circular.pdf', new Set())).toBe('Circular.pdf');
    expect(uniqueName('Circular.pdf', new Set(['circular.PDF']))).toBe('Circular (2).pdf');
    expect(uniqueName('Circular.pdf', new Set(['Circular.pdf', 'Circular (2).pdf']))).toBe('Circular (3).pdf');
    expect(uniqueName('LEEME', new Set(['LEEME']))).toBe('LEEME (2)');
  });
});
