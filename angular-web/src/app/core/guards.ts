import { inject } from '@angular/core';
import { toObservable } from '@angular/core/rxjs-interop';
import { CanMatchFn, Router } from '@angular/router';
import { filter, map, take } from 'rxjs';
import { isStaff } from '@avisa/contracts';
import { Notifier } from './notifier';
import { SessionStore } from './session.store';

/** The admin area is for admins only; others go back to the operator panel (the API refuses them anyway). */
export const adminGuard: CanMatchFn = () => {
  const session = inject(SessionStore);
  const router = inject(Router);
  const notifier = inject(Notifier);
  return toObservable(session.user).pipe(
    filter((user) => user !== null),
    take(1),
    map((user) => {
      if (user.role === 'admin') return true;
      notifier.info('shell.adminOnly');
      return router.parseUrl(isStaff(user.role) ? '/operator/compose' : '/member');
    }),
  );
};

/** Alerts, sites, history, groups and phrases are the staff's; a member goes to their own page. */
export const staffGuard: CanMatchFn = () => {
  const session = inject(SessionStore);
  const router = inject(Router);
  const notifier = inject(Notifier);
  return toObservable(session.user).pipe(
    filter((user) => user !== null),
    take(1),
    map((user) => {
      if (isStaff(user.role)) return true;
      notifier.info('shell.staffOnly');
      return router.parseUrl('/member');
    }),
  );
};
