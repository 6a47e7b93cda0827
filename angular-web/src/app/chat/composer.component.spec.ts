import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { RoomMessageResponse } from '@avisa/contracts';
import { EMPTY, Subject } from 'rxjs';
import { vi } from 'vitest';
import { FilesApi } from '../files/files.api';
import { configureTestBed } from '../core/testing';
import { ChatStore } from './chat.store';
import { ComposerComponent, TYPING_EVERY_MS } from './composer.component';

@Component({
  imports: [ComposerComponent],
  template: `<av-composer [roomId]="roomId()" />`,
})
class HostComponent {
  readonly roomId = signal(7);
}

async function setup() {
  const answers: Subject<RoomMessageResponse>[] = [];
  const store = {
    send: vi.fn(() => {
      const answer = new Subject<RoomMessageResponse>();
      answers.push(answer);
      return answer;
    }),
    typing: vi.fn(),
  };
  configureTestBed(
    [HostComponent],
    [
      { provide: ChatStore, useValue: store },
      { provide: FilesApi, useValue: { list: () => EMPTY } },
    ],
  );
  const fixture = TestBed.createComponent(HostComponent);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const box = el.querySelector<HTMLTextAreaElement>('[data-testid="composer"]')!;
  const type = async (text: string) => {
    box.value = text;
    box.dispatchEvent(new Event('input'));
    await fixture.whenStable();
  };
  const press = async (key: string, shiftKey = false) => {
    const event = new KeyboardEvent('keydown', { key, shiftKey, cancelable: true });
    box.dispatchEvent(event);
    await fixture.whenStable();
    return event;
  };
  return { fixture, store, answers, box, type, press };
}

describe('ComposerComponent', () => {
  it('sends with Enter and keeps Shift+Enter for a new line', async () => {
    const { store, answers, box, type, press } = await setup();
    await type('Primera línea');
    expect((await press('Enter', true)).defaultPrevented).toBe(false);
    expect(store.send).not.toHaveBeenCalled();
    await type('Primera línea\nSegunda  ');
    expect((await press('Enter')).defaultPrevented).toBe(true);
    expect(store.send).toHaveBeenCalledWith('Primera línea\nSegunda', []);
    answers[0].next({} as RoomMessageResponse);
    answers[0].complete();
    await press('Escape');
    expect(box.value).toBe('');
  });

  it('sends nothing blank', async () => {
    const { store, type, press } = await setup();
    await type('   ');
    await press('Enter');
    expect(store.send).not.toHaveBeenCalled();
  });

  it('says "typing" at most every few seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { store, type } = await setup();
      await type('H');
      await type('Ho');
      await type('Hola');
      expect(store.typing).toHaveBeenCalledTimes(1);
      vi.setSystemTime(Date.now() + TYPING_EVERY_MS);
      await type('Hola!');
      expect(store.typing).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps an unsent text per room', async () => {
    const { fixture, box, type } = await setup();
    await type('para la sala 7');
    fixture.componentInstance.roomId.set(8);
    await fixture.whenStable();
    expect(box.value).toBe('');
    fixture.componentInstance.roomId.set(7);
    await fixture.whenStable();
    expect(box.value).toBe('para la sala 7');
  });
});
