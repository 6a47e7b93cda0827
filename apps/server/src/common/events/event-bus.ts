import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { EventMap, EventName } from './event-map';

export interface ListenerOptions {
  /**
   * The listener wants the event only while this holds (a live push with nobody connected to receive it), so that
   * a producer asking `wanted` may skip preparing the payload. The listener is still called for every event.
   */
  wantedWhile?: () => boolean;
}

/** Typed facade over the event emitter: emitting waits for every listener, so an audit line is written before the reply. */
@Injectable()
export class EventBus {
  private readonly interest = new Map<EventName, (() => boolean)[]>();

  constructor(private readonly emitter: EventEmitter2) {}

  async emit<K extends EventName>(name: K, payload: EventMap[K]): Promise<void> {
    await this.emitter.emitAsync(name, payload);
  }

  on<K extends EventName>(
    name: K,
    listener: (payload: EventMap[K]) => unknown,
    { wantedWhile = always }: ListenerOptions = {},
  ): void {
    this.emitter.on(name, listener);
    this.interest.set(name, [...(this.interest.get(name) ?? []), wantedWhile]);
  }

  /** Whether a listener wants the event now; false with no listener at all. */
  wanted(name: EventName): boolean {
    return this.interest.get(name)?.some((wants) => wants()) ?? false;
  }
}

const always = (): boolean => true;
