import { Injectable, computed, signal } from '@angular/core';

/** Whether the server can be reached, from the live socket and from failed HTTP calls. */
@Injectable({ providedIn: 'root' })
export class ConnectionStatus {
  private readonly socketUp = signal<boolean | null>(null);
  private readonly httpUp = signal(true);

  /** True while the server cannot be reached; the shell shows a banner until it comes back. */
  readonly lost = computed(() => this.socketUp() === false || !this.httpUp());

  socket(up: boolean | null): void {
    this.socketUp.set(up);
    if (up) this.httpUp.set(true);
  }

  httpResult(reached: boolean): void {
    this.httpUp.set(reached);
  }
}
