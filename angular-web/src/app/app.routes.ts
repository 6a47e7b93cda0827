import { Routes } from '@angular/router';
import { adminGuard } from './core/guards';

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'operator/compose' },
  { path: 'operator', loadChildren: () => import('./operator/operator.routes').then((m) => m.OPERATOR_ROUTES) },
  {
    path: 'admin',
    canMatch: [adminGuard],
    loadChildren: () => import('./admin/admin.routes').then((m) => m.ADMIN_ROUTES),
  },
  { path: '**', redirectTo: 'operator/compose' },
];
