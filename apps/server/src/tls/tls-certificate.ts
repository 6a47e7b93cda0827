import { Logger } from '@nestjs/common';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  certPath: string;
  generated: boolean;
}

export interface TlsSettings {
  certFile: string;
  keyFile: string;
  certsDir: string;
  extraHostnames: string[];
}

const logger = new Logger('Tls');

/** Real certificate files when configured; otherwise `certs/server.{crt,key}`, generated self-signed on first start. */
export async function loadOrCreateCertificate(settings: TlsSettings): Promise<TlsFiles> {
  if (settings.certFile && settings.keyFile) {
    return {
      cert: readRequired(settings.certFile, 'AVISA_TLS_CERT'),
      key: readRequired(settings.keyFile, 'AVISA_TLS_KEY'),
      certPath: settings.certFile,
      generated: false,
    };
  }
  const certPath = join(settings.certsDir, 'server.crt');
  const keyPath = join(settings.certsDir, 'server.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath), key: readFileSync(keyPath), certPath, generated: false };
  }
  const names = hostNames(settings.extraHostnames);
  const addresses = hostAddresses();
  const now = new Date();
  const result = await generate(
    [
      { name: 'commonName', value: names[0] },
      { name: 'organizationName', value: 'Avisa' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - 60_000),
      notAfterDate: new Date(now.getTime() + 825 * 86_400_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            ...names.map((value) => ({ type: 2 as const, value })),
            ...addresses.map((ip) => ({ type: 7 as const, ip })),
          ],
        },
      ],
    },
  );
  mkdirSync(settings.certsDir, { recursive: true });
  writeFileSync(keyPath, result.private, { mode: 0o600 });
  writeFileSync(certPath, result.cert, { mode: 0o644 });
  logger.warn(
    `Generated a self-signed certificate in ${certPath} for ${[...names, ...addresses].join(', ')}; ` +
      'set AVISA_TLS_CERT and AVISA_TLS_KEY to use a real one',
  );
  return { cert: Buffer.from(result.cert), key: Buffer.from(result.private), certPath, generated: true };
}

function readRequired(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      cause: error,
    });
  }
}

function hostNames(extra: string[]): string[] {
  return [...new Set(['localhost', hostname(), ...extra].map((n) => n.toLowerCase()))];
}

function hostAddresses(): string[] {
  const found = Object.values(networkInterfaces())
    .flat()
    .filter((i): i is NonNullable<typeof i> => !!i)
    .map((i) => i.address.split('%')[0]);
  return [...new Set(['127.0.0.1', '::1', ...found])];
}
