import { Injectable } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export const BCRYPT_COST = 12;
/** bcrypt ignores every byte past the 72nd. */
export const BCRYPT_MAX_BYTES = 72;

@Injectable()
export class CryptoService {
  /** A random secret with `bytes` bytes of entropy, prefixed so it can be recognised in a leak scan. */
  randomToken(prefix: string, bytes = 32): string {
    return prefix + randomBytes(bytes).toString('base64url');
  }

  sha256(value: string): string {
    // The one-shot form: no Hash object per call, which every API call would otherwise leave to the collector.
    return hash('sha256', value, 'hex');
  }

  safeEqual(a: string, b: string): boolean {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
  }

  hashPassword(password: string): Promise<string> {
    return bcrypt.hash(password, BCRYPT_COST);
  }

  /**
   * bcrypt only looks at the first 72 bytes, so a longer input would match the password made of its first 72 bytes;
   * no stored password can be longer (see password-policy), so such an input never matches.
   */
  async verifyPassword(password: string, hash: string): Promise<boolean> {
    const matches = await bcrypt.compare(password, hash);
    return matches && Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES;
  }
}
