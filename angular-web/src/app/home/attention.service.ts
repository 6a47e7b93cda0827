import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { DeliveryUpdatePayload, RoomMessageResponse } from '@avisa/contracts';
import { TranslocoService } from '@jsverse/transloco';
import { Subscription, bufferTime, filter } from 'rxjs';
import { LiveService } from '../core/live.service';
import { SessionStore } from '../core/session.store';

const NOTIFY_KEY = 'avisa.notify';
const SOUND_KEY = 'avisa.notify.sound';
/** Copies flagged together (one reminder round) make one notification per alert. */
const GATHER_MS = 1000;
const TEXT_MAX = 140;

export type NotifyPermission = NotificationPermission | 'unsupported';

/** The flagged copies of one alert, gathered from one reminder round. */
export function flaggedPerAlert(updates: readonly DeliveryUpdatePayload[]): Map<string, string[]> {
  const byAlert = new Map<string, string[]>();
  for (const u of updates) {
    if (!u.flagged || u.state !== 'delivered') continue;
    const sites = byAlert.get(u.messageId) ?? [];
    if (!sites.includes(u.receiver)) sites.push(u.receiver);
    byAlert.set(u.messageId, sites);
  }
  return byAlert;
}

/** Whether a room message mentions `username` and was written by someone else. */
export function mentions(message: RoomMessageResponse, username: string): boolean {
  return (
    !message.deleted &&
    message.author.username.toLowerCase() !== username.toLowerCase() &&
    message.mentions.some((m) => m.toLowerCase() === username.toLowerCase())
  );
}

/**
 * Tells the user without their watching the screen: a browser notification (only once they turned it on here and
 * the browser allowed it; the choice is kept per browser) and, if chosen, a short tone, when an urgent alert ends its
 * reminders unread at some sites and when someone mentions them in a chat room.
 */
@Injectable({ providedIn: 'root' })
export class AttentionService {
  private readonly live = inject(LiveService);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly transloco = inject(TranslocoService);
  private subscription: Subscription | null = null;
  private audio: AudioContext | null = null;

  readonly permission = signal<NotifyPermission>(currentPermission());
  readonly enabled = signal(localStorage.getItem(NOTIFY_KEY) === 'on' && currentPermission() === 'granted');
  readonly sound = signal(localStorage.getItem(SOUND_KEY) === 'on');

  constructor() {
    inject(DestroyRef).onDestroy(() => this.subscription?.unsubscribe());
  }

  /** Listens to the live socket from now on (once per tab). */
  start(): void {
    if (this.subscription) return;
    this.subscription = new Subscription();
    this.subscription.add(
      this.live.deliveryUpdated$
        .pipe(
          bufferTime(GATHER_MS),
          filter((updates) => updates.length > 0),
        )
        .subscribe((updates) => {
          for (const [messageId, sites] of flaggedPerAlert(updates)) this.urgentUnread(messageId, sites);
        }),
    );
    this.subscription.add(
      this.live.roomMessage$.subscribe((message) => {
        const me = this.session.user();
        if (me && mentions(message, me.username)) this.mentioned(message);
      }),
    );
  }

  /** Asks the browser first (from the user's click), then remembers the choice in this browser. */
  async setEnabled(on: boolean): Promise<void> {
    if (on && currentPermission() === 'default') await Notification.requestPermission();
    this.permission.set(currentPermission());
    const granted = this.permission() === 'granted';
    this.enabled.set(on && granted);
    localStorage.setItem(NOTIFY_KEY, on && granted ? 'on' : 'off');
  }

  setSound(on: boolean): void {
    this.sound.set(on);
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
    // Created from the click, so the browser lets it play later.
    if (on) this.tone();
  }

  private urgentUnread(messageId: string, sites: string[]): void {
    this.raise(
      this.transloco.translate('attention.urgentTitle'),
      this.transloco.translate('attention.urgentBody', { count: sites.length, sites: sites.slice(0, 5).join(', ') }),
      `urgent:${messageId}`,
      ['/operator/history', messageId],
    );
  }

  private mentioned(message: RoomMessageResponse): void {
    const text = message.text.length > TEXT_MAX ? `${message.text.slice(0, TEXT_MAX)}…` : message.text;
    this.raise(
      this.transloco.translate('attention.mentionTitle', { name: message.author.displayName }),
      text,
      `mention:${message.id}`,
      ['/chat', message.roomId],
    );
  }

  private raise(title: string, body: string, tag: string, route: unknown[]): void {
    if (this.enabled() && currentPermission() === 'granted') {
      const notification = new Notification(title, { body, tag, lang: this.transloco.getActiveLang() });
      notification.onclick = () => {
        window.focus();
        void this.router.navigate(route);
        notification.close();
      };
    }
    if (this.sound()) this.tone();
  }

  /** A short two-note tone made in the page: no sound file to fetch. */
  private tone(): void {
    try {
      this.audio ??= new AudioContext();
      const audio = this.audio;
      void audio.resume();
      const gain = audio.createGain();
      gain.gain.value = 0.15;
      gain.connect(audio.destination);
      [880, 660].forEach((frequency, i) => {
        const oscillator = audio.createOscillator();
        oscillator.frequency.value = frequency;
        oscillator.connect(gain);
        oscillator.start(audio.currentTime + i * 0.18);
        oscillator.stop(audio.currentTime + i * 0.18 + 0.15);
      });
    } catch {
      // No audio output in this browser: the notification alone tells.
    }
  }
}

function currentPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}
