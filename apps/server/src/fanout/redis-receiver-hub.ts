import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { AlertPayload, ReceiverDisconnectCode, RetractPayload, UpdateOfferPayload } from '@avisa/contracts';
import type { Namespace } from 'socket.io';
import { RedisConnection } from '../cluster/redis-connection';
import { AppConfigService } from '../config/app-config.service';
import { chunks } from '../database/batches';
import { ClaimResult, disconnectReason, END_REASONS, PresenceInfo, ReceiverHub, receiverRoom } from './receiver-hub';

interface StoredPresence extends PresenceInfo {
  instance: string;
}

// KEYS: presence hash, this instance's members set. ARGV: name, entry, instance key prefix.
// A site already present stays refused while the instance holding it is alive; a dead instance's entry is taken over.
const CLAIM = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and redis.call('EXISTS', ARGV[3] .. cjson.decode(current).instance) == 1 then return false end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return current or ''
`;

// KEYS: presence hash, this instance's members set. ARGV: name, connection id.
const RELEASE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current or cjson.decode(current).connectionId ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
`;

// KEYS: presence hash, this instance's members set. ARGV: instance id. What a previous run of this instance left.
const RESET_OWN = `
for _, name in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local current = redis.call('HGET', KEYS[1], name)
  if current and cjson.decode(current).instance == ARGV[1] then redis.call('HDEL', KEYS[1], name) end
end
redis.call('DEL', KEYS[2])
`;

// KEYS: presence hash, instances set. ARGV: key prefix ("avisa:").
const SWEEP = `
local lost = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[1] .. 'instance:' .. id) == 0 then
    local members = ARGV[1] .. 'members:' .. id
    for _, name in ipairs(redis.call('SMEMBERS', members)) do
      local current = redis.call('HGET', KEYS[1], name)
      if current and cjson.decode(current).instance == id then
        redis.call('HDEL', KEYS[1], name)
        table.insert(lost, current)
      end
    end
    redis.call('DEL', members)
    redis.call('SREM', KEYS[2], id)
  end
end
return lost
`;

/**
 * Several instances: presence in one Redis hash, each entry naming the instance that holds the socket.
 * Each instance keeps a heartbeat key alive; when it dies the key expires (AVISA_PRESENCE_TTL_SECONDS),
 * its sites may connect elsewhere at once, and the sweep removes what is left. Pushes go through the
 * Socket.IO Redis adapter, which hands them to whichever instance holds each site's room.
 */
@Injectable()
export class RedisReceiverHub extends ReceiverHub implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisReceiverHub.name);
  private readonly ttlMs: number;
  private namespace?: Namespace;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisConnection,
    config: AppConfigService,
  ) {
    super();
    this.ttlMs = config.get('AVISA_PRESENCE_TTL_SECONDS') * 1000;
  }

  private get client() {
    return this.redis.client!;
  }

  private get presenceKey(): string {
    return this.redis.key('presence');
  }

  private instanceKey(id = this.redis.instanceId): string {
    return this.redis.key('instance', id);
  }

  private membersKey(id = this.redis.instanceId): string {
    return this.redis.key('members', id);
  }

  /** Before this instance takes any connection: presence its previous run left behind is dropped. */
  async onModuleInit(): Promise<void> {
    await this.client.eval(RESET_OWN, 2, this.presenceKey, this.membersKey(), this.redis.instanceId);
    await this.beat();
    await this.client.sadd(this.redis.key('instances'), this.redis.instanceId);
    this.heartbeat = setInterval(
      () => void this.beat().catch((e: Error) => this.logger.warn(`heartbeat failed: ${e.message}`)),
      Math.floor(this.ttlMs / 3),
    );
    this.heartbeat.unref();
  }

  /** On a clean stop the instance says so at once: its sites may reconnect elsewhere without waiting. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.client.del(this.instanceKey()).catch(() => undefined);
  }

  /**
   * Renews this instance's heartbeat. If the key had gone (Redis restarted empty, or this process stalled past the
   * TTL and was swept), the sites this instance still holds are written back, or they would look offline.
   */
  private async beat(): Promise<void> {
    const previous = await this.client.set(this.instanceKey(), String(Date.now()), 'PX', this.ttlMs, 'GET');
    if (previous !== null || !this.namespace) return;
    await this.client.sadd(this.redis.key('instances'), this.redis.instanceId);
    let restored = 0;
    for (const socket of this.namespace.sockets.values()) {
      const data = socket.data as Partial<PresenceInfo>;
      if (!data.name || data.receiverId === undefined) continue;
      const entry: StoredPresence = {
        name: data.name,
        receiverId: data.receiverId,
        connectionId: data.connectionId!,
        since: data.since!,
        clientVersion: data.clientVersion ?? null,
        address: data.address ?? null,
        instance: this.redis.instanceId,
      };
      const claimed = await this.client.eval(
        CLAIM,
        2,
        this.presenceKey,
        this.membersKey(),
        data.name,
        JSON.stringify(entry),
        this.instanceKey(''),
      );
      // Taken meanwhile by another instance: the site is connected there, this socket is the stale one.
      if (claimed === null) socket.disconnect(true);
      else restored++;
    }
    if (restored) this.logger.warn(`heartbeat key was gone: wrote back the presence of ${restored} site(s)`);
  }

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  async claim(info: PresenceInfo): Promise<ClaimResult> {
    const entry: StoredPresence = { ...info, instance: this.redis.instanceId };
    const previous = (await this.client.eval(
      CLAIM,
      2,
      this.presenceKey,
      this.membersKey(),
      info.name,
      JSON.stringify(entry),
      `${this.instanceKey('')}`,
    )) as string | null;
    if (previous === null) return { ok: false };
    return { ok: true, displaced: previous ? toPresence(previous) : null };
  }

  async release(name: string, connectionId: string): Promise<boolean> {
    const released = await this.client.eval(RELEASE, 2, this.presenceKey, this.membersKey(), name, connectionId);
    return released === 1;
  }

  async presence(name: string): Promise<PresenceInfo | null> {
    const entry = await this.client.hget(this.presenceKey, name);
    return entry ? toPresence(entry) : null;
  }

  async allPresence(): Promise<PresenceInfo[]> {
    return Object.values(await this.client.hgetall(this.presenceKey)).map(toPresence);
  }

  async online(names: readonly string[]): Promise<Set<string>> {
    return new Set((await this.presenceEntries(names)).map(([name]) => name));
  }

  async connectedSince(names: readonly string[]): Promise<Map<string, number>> {
    return new Map((await this.presenceEntries(names)).map(([name, entry]) => [name, toPresence(entry).since]));
  }

  sendAlert(names: readonly string[], payload: AlertPayload): void {
    if (names.length) this.namespace?.to(names.map(receiverRoom)).emit('alert', payload);
  }

  sendAlertToAll(payload: AlertPayload): void {
    this.namespace?.emit('alert', payload);
  }

  sendRetract(names: readonly string[], payload: RetractPayload): void {
    if (names.length) this.namespace?.to(names.map(receiverRoom)).emit('retract', payload);
  }

  sendUpdate(names: readonly string[], payload: UpdateOfferPayload): void {
    if (names.length) this.namespace?.to(names.map(receiverRoom)).emit('update', payload);
  }

  async disconnect(name: string, code: ReceiverDisconnectCode): Promise<void> {
    const reason = END_REASONS[code];
    // Only a live connection gets the reason; kept for an offline site, it would end its next connection.
    if (await this.client.hexists(this.presenceKey, name)) {
      await this.client.set(this.redis.key('end', name), reason, 'PX', 60_000);
    }
    // One room, one publisher: the reason reaches the site before the disconnection does.
    this.namespace?.to(receiverRoom(name)).emit('disconnect_reason', disconnectReason(code));
    this.namespace?.in(receiverRoom(name)).disconnectSockets(true);
  }

  takeEndReason(name: string): Promise<string | null> {
    return this.client.getdel(this.redis.key('end', name));
  }

  async sweepLost(): Promise<PresenceInfo[]> {
    const lost = (await this.client.eval(
      SWEEP,
      2,
      this.presenceKey,
      this.redis.key('instances'),
      this.redis.key(''),
    )) as string[];
    return lost.map(toPresence);
  }

  /** The presence entries of those of `names` online now, as [name, entry]. */
  private async presenceEntries(names: readonly string[]): Promise<[string, string][]> {
    const found: [string, string][] = [];
    for (const batch of chunks(names, 2000)) {
      const entries = await this.client.hmget(this.presenceKey, ...batch);
      entries.forEach((entry, i) => entry && found.push([batch[i], entry]));
    }
    return found;
  }
}

function toPresence(entry: string): PresenceInfo {
  const { name, receiverId, connectionId, since, clientVersion, address } = JSON.parse(entry) as StoredPresence;
  return { name, receiverId, connectionId, since, clientVersion, address };
}
