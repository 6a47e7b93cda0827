import { Routes } from '@angular/router';

export const ADMIN_ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'audit' },
  {
    path: 'audit',
    title: 'Avisa',
    loadComponent: () => import('./audit/audit.component').then((m) => m.AuditComponent),
  },
  {
    path: 'users',
    title: 'Avisa',
    loadComponent: () => import('./users/users.component').then((m) => m.UsersComponent),
  },
  {
    path: 'sites',
    title: 'Avisa',
    loadComponent: () => import('./sites/admin-sites.component').then((m) => m.AdminSitesComponent),
  },
  {
    path: 'tokens',
    title: 'Avisa',
    loadComponent: () => import('./tokens/tokens.component').then((m) => m.TokensComponent),
  },
  {
    path: 'restrictions',
    title: 'Avisa',
    loadComponent: () => import('./restrictions/restrictions.component').then((m) => m.RestrictionsComponent),
  },
];
