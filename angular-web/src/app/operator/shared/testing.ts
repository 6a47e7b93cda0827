import type { DeliveryUpdatePayload, MessageCreatedPayload, PresencePayload } from '@avisa/contracts';
import { Subject } from 'rxjs';

/** Storage kept in memory, standing in for the tab's sessionStorage in specs. */
export function memoryStorage(initial: Record<string, string> = {}): Storage {
  const data = new Map<string, string>(Object.entries(initial));
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k) => data.get(k) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (k) => void data.delete(k),
    setItem: (k, v) => void data.set(k, v),
  };
}

/** The live socket's subjects without a socket, for specs to push events through. */
export class FakeLive {
  readonly presence$ = new Subject<PresencePayload>();
  readonly deliveryUpdated$ = new Subject<DeliveryUpdatePayload>();
  readonly messageCreated$ = new Subject<MessageCreatedPayload>();
  readonly messageRetracted$ = new Subject<{ id: string }>();
  readonly resynced$ = new Subject<void>();
}
