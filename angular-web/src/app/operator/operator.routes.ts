import { Routes } from '@angular/router';

export const OPERATOR_ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'compose' },
  {
    path: 'compose',
    title: 'nav.compose',
    loadComponent: () => import('./compose/compose.component').then((m) => m.ComposeComponent),
  },
  {
    path: 'sites',
    title: 'nav.sites',
    loadComponent: () => import('./sites/sites.component').then((m) => m.SitesComponent),
  },
  {
    path: 'history',
    title: 'nav.history',
    loadComponent: () => import('./history/history.component').then((m) => m.HistoryComponent),
  },
  {
    path: 'history/:id',
    title: 'history.detail.title',
    loadComponent: () => import('./history/message-detail.component').then((m) => m.MessageDetailComponent),
  },
  {
    path: 'groups',
    title: 'nav.groups',
    loadComponent: () => import('./groups/groups.component').then((m) => m.GroupsComponent),
  },
  {
    path: 'phrases',
    title: 'nav.phrases',
    loadComponent: () => import('./phrases/phrases.component').then((m) => m.PhrasesComponent),
  },
];
