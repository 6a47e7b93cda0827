import { configureTestBed } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MAT_DIALOG_DATA } from '@angular/material/dialog';
import type { PresencePayload } from '@avisa/contracts';
import { Subject } from 'rxjs';
import { LiveService } from '../../core/live.service';
import { GroupInfoDialogComponent } from './group-info-dialog.component';

const presence = (name: string, online: boolean): PresencePayload => ({
  name,
  online,
  connectedSince: null,
  lastSeenAt: null,
  clientVersion: null,
});

describe('GroupInfoDialogComponent', () => {
  it('lists online, offline and unknown members with counts and follows live presence', async () => {
    const live = { presence$: new Subject<PresencePayload>(), resynced$: new Subject<void>() };
    configureTestBed(
      [GroupInfoDialogComponent],
      [
        { provide: MAT_DIALOG_DATA, useValue: { name: 'zona norte' } },
        { provide: LiveService, useValue: live },
      ],
    );
    const fixture = TestBed.createComponent(GroupInfoDialogComponent);
    const http = TestBed.inject(HttpTestingController);
    const el = fixture.nativeElement as HTMLElement;
    const list = (column: string) =>
      [...el.querySelectorAll(`[data-testid="info-${column}"] li`)].map((li) => li.textContent!.trim());
    const count = (column: string) => el.querySelector(`[data-testid="info-${column}-count"]`)!.textContent!.trim();
    await fixture.whenStable();

    http.expectOne('/api/v1/groups/zona%20norte/info').flush({
      name: 'zona norte',
      online: ['farmacia-1'],
      offline: ['farmacia-2'],
      unknown: ['futura'],
    });
    await fixture.whenStable();
    expect([list('online'), list('offline'), list('unknown')]).toEqual([['farmacia-1'], ['farmacia-2'], ['futura']]);

    live.presence$.next(presence('farmacia-2', true));
    live.presence$.next(presence('futura', false));
    live.presence$.next(presence('otra', true));
    await fixture.whenStable();
    expect(list('online')).toEqual(['farmacia-1', 'farmacia-2']);
    expect(list('offline')).toEqual(['futura']);
    expect(list('unknown')).toEqual([]);
    expect(el.querySelector('[data-testid="info-unknown"]')!.parentElement!.textContent).toContain('Ninguno');
    expect([count('online'), count('offline'), count('unknown')]).toEqual(['2', '1', '0']);

    live.resynced$.next();
    expect(http.expectOne('/api/v1/groups/zona%20norte/info').request.method).toBe('GET');
    http.verify();
  });
});
