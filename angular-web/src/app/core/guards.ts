import { inject } from '@angular/core';
import { toObservable } from '@angular/core/rxjs-interop';
import { CanMatchFn, Router } from '@angular/router';
import { isStaff, type Role } from '@avisa/contracts';
import { filter, map, take } from 'rxjs';
import { Notifier } from './notifier';
import { SessionStore } from './session.store';

/** Where each role lands when an area is not theirs. */
const homeOf = (role: Role) => (isStaff(role) ? '/home' : '/member');

/**
 * An area for some roles only: once someone is logged in, others are told so and sent to their own home (the API
 * refuses them anyway).
 */
function roleGuard({ allowed, noticeKey }: { allowed: (role: Role) => boolean; noticeKey: string }): CanMatchFn {
  return () => {
    const session = inject(SessionStore);
    const router = inject(Router);
    const notifier = inject(Notifier);
    return toObservable(session.user).pipe(
      filter((user) => user !== null),
      take(1),
      map((user) => {
        if (allowed(user.role)) return true;
        notifier.info(noticeKey);
        return router.parseUrl(homeOf(user.role));
      }),
    );
  };
}

export const adminGuard = roleGuard({ allowed: (role) => role === 'admin', noticeKey: 'shell.adminOnly' });

/** Alerts, sites, history, groups and phrases are the staff's; a member goes to their own page. */
export const staffGuard = roleGuard({ allowed: isStaff, noticeKey: 'shell.staffOnly' });
