import { Routes } from '@angular/router';

export const OPERATOR_ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'compose' },
  {
    path: 'compose',
    title: 'Avisa',
    loadComponent: () => import('./compose/compose.component').then((m) => m.ComposeComponent),
  },
  {
    path: 'sites',
    title: 'Avisa',
    loadComponent: () => import('./sites/sites.component').then((m) => m.SitesComponent),
  },
  {
    path: 'history',
    title: 'Avisa',
    loadComponent: () => import('./history/history.component').then((m) => m.HistoryComponent),
  },
  {
    path: 'history/:id',
    title: 'Avisa',
    loadComponent: () => import('./history/message-detail.component').then((m) => m.MessageDetailComponent),
  },
  {
    path: 'groups',
    title: 'Avisa',
    loadComponent: () => import('./groups/groups.component').then((m) => m.GroupsComponent),
  },
  {
    path: 'phrases',
    title: 'Avisa',
    loadComponent: () => import('./phrases/phrases.component').then((m) => m.PhrasesComponent),
  },
];
