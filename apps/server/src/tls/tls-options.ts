import type { TlsOptions } from 'node:tls';

/**
 * TLS 1.2 suites with forward secrecy (ECDHE) and authenticated encryption (AES-GCM, ChaCha20-Poly1305) only, for
 * ECDSA certificates (the generated one) and RSA ones. TLS 1.3 keeps Node's defaults, which are all AEAD.
 */
export const TLS_1_2_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

/** Node already refuses anything older than TLS 1.2 (its default minimum). */
export const TLS_SERVER_OPTIONS: Pick<TlsOptions, 'ciphers' | 'honorCipherOrder'> = {
  ciphers: TLS_1_2_CIPHERS.join(':'),
  honorCipherOrder: true,
};
