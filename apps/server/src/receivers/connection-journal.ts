import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { WriteBatcher } from '../database/write-batcher';
import { ConnectionEvent, ReceiversRepository } from './receivers.repository';

/**
 * The connection history and each site's last-seen time, written in batches: after a restart thousands of
 * sites connect within seconds, and one transaction per handshake would cost one disk sync each.
 * A crash may lose the last few milliseconds of history; open rows left by it are closed at the next start.
 */
@Injectable()
export class ConnectionJournal implements OnApplicationShutdown {
  private readonly logger = new Logger(ConnectionJournal.name);
  private readonly batcher = new WriteBatcher<ConnectionEvent>((events) => this.receivers.recordConnections(events), {
    delayMs: 25,
    maxItems: 1000,
  });

  constructor(private readonly receivers: ReceiversRepository) {}

  opened(receiverId: number, at: number, ip: string | null, clientVersion: string | null): void {
    this.record({ kind: 'opened', receiverId, at, ip, clientVersion });
  }

  closed(receiverId: number, at: number, reason: string): void {
    this.record({ kind: 'closed', receiverId, at, reason });
  }

  flush(): Promise<void> {
    return this.batcher.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.batcher.flush();
  }

  private record(event: ConnectionEvent): void {
    this.batcher
      .add(event)
      .catch((error: unknown) => this.logger.warn(`could not record a site's connection: ${String(error)}`));
  }
}
