import { Routes } from '@angular/router';
import { adminGuard, staffGuard } from './core/guards';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'home' },
  {
    path: 'home',
    title: 'nav.home',
    canMatch: [staffGuard],
    loadComponent: () => import('./home/home.component').then((m) => m.HomeComponent),
  },
  {
    path: 'operator',
    canMatch: [staffGuard],
    loadChildren: () => import('./operator/operator.routes').then((m) => m.OPERATOR_ROUTES),
  },
  {
    path: 'member',
    title: 'nav.home',
    loadComponent: () => import('./member/member-home.component').then((m) => m.MemberHomeComponent),
  },
  {
    path: 'chat',
    title: 'nav.chat',
    loadComponent: () => import('./chat/chat.component').then((m) => m.ChatComponent),
  },
  {
    path: 'chat/:roomId',
    title: 'nav.chat',
    loadComponent: () => import('./chat/chat.component').then((m) => m.ChatComponent),
  },
  {
    path: 'files',
    title: 'nav.files',
    loadComponent: () => import('./files/files.component').then((m) => m.FilesComponent),
  },
  {
    path: 'admin',
    canMatch: [adminGuard],
    loadChildren: () => import('./admin/admin.routes').then((m) => m.ADMIN_ROUTES),
  },
  { path: '**', redirectTo: 'home' },
];
