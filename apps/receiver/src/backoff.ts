export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 180_000 };

/**
 * How long one connection attempt may take: 20 s, doubled after each attempt that timed out, up to 80 s, until one
 * connects. A time-out means a server too busy to finish the handshake in time (thousands of sites coming back
 * after a restart); giving up at the same point again would throw its work away again.
 */
export const CONNECT_TIMEOUT: BackoffOptions = { baseMs: 20_000, capMs: 80_000 };

/**
 * Once the server's machine has accepted the TCP connection, how much longer than the connect timeout the TLS and
 * Socket.IO handshakes may take. A server that accepted is up, only busy: after a restart thousands of sites finish
 * their handshakes one after another (10,000 took 40-50 s on two cores), and a site that gives up throws away the
 * work the server did for it and joins the back of the queue again.
 */
export const HANDSHAKE_GRACE_MS = 60_000;

export function backoffCeiling(attempt: number, { baseMs, capMs }: BackoffOptions): number {
  return Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
}

/**
 * Exponential backoff with full jitter: each wait is uniform in [0, ceiling], so a thousand sites that lost
 * the server together do not come back together.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions = RECONNECT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const ceiling = backoffCeiling(this.attempt, this.options);
    this.attempt++;
    return Math.round(this.random() * ceiling);
  }

  reset(): void {
    this.attempt = 0;
  }
}
