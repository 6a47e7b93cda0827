import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EventMap, EventName } from './event-map';

/** Typed facade over the event emitter: emitting waits for every listener, so an audit line is written before the reply. */
@Injectable()
export class EventBus {
  constructor(private readonly emitter: EventEmitter2) {}

  async emit<K extends EventName>(name: K, payload: EventMap[K]): Promise<void> {
    await this.emitter.emitAsync(name, payload);
  }

  on<K extends EventName>(name: K, listener: (payload: EventMap[K]) => unknown): void {
    this.emitter.on(name, listener);
  }
}
