import { Routes } from '@angular/router';

export const ADMIN_ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'audit' },
  {
    path: 'audit',
    title: 'nav.audit',
    loadComponent: () => import('./audit/audit.component').then((m) => m.AuditComponent),
  },
  {
    path: 'users',
    title: 'nav.users',
    loadComponent: () => import('./users/users.component').then((m) => m.UsersComponent),
  },
  {
    path: 'sites',
    title: 'nav.adminSites',
    loadComponent: () => import('./sites/admin-sites.component').then((m) => m.AdminSitesComponent),
  },
  {
    path: 'tokens',
    title: 'nav.tokens',
    loadComponent: () => import('./tokens/tokens.component').then((m) => m.TokensComponent),
  },
  {
    path: 'restrictions',
    title: 'nav.restrictions',
    loadComponent: () => import('./restrictions/restrictions.component').then((m) => m.RestrictionsComponent),
  },
];
