import { BreakpointObserver } from '@angular/cdk/layout';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatMenuModule } from '@angular/material/menu';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { TranslocoPipe } from '@jsverse/transloco';
import { map } from 'rxjs';
import { API_BASE } from './auth.interceptor';
import { ConnectionStatus } from './connection-status';
import { LANGUAGES, LanguageService } from './i18n';
import { SessionStore } from './session.store';
import { ThemeService } from './theme.service';

interface NavItem {
  path: string;
  icon: string;
  labelKey: string;
}

const OPERATOR_NAV: NavItem[] = [
  { path: '/operator/compose', icon: 'send', labelKey: 'nav.compose' },
  { path: '/operator/sites', icon: 'computer', labelKey: 'nav.sites' },
  { path: '/operator/history', icon: 'history', labelKey: 'nav.history' },
  { path: '/operator/groups', icon: 'groups', labelKey: 'nav.groups' },
  { path: '/operator/phrases', icon: 'bolt', labelKey: 'nav.phrases' },
];

const ADMIN_NAV: NavItem[] = [
  { path: '/admin/audit', icon: 'fact_check', labelKey: 'nav.audit' },
  { path: '/admin/users', icon: 'manage_accounts', labelKey: 'nav.users' },
  { path: '/admin/sites', icon: 'dns', labelKey: 'nav.adminSites' },
  { path: '/admin/tokens', icon: 'key', labelKey: 'nav.tokens' },
  { path: '/admin/restrictions', icon: 'lock_person', labelKey: 'nav.restrictions' },
];

@Component({
  selector: 'av-shell',
  imports: [
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatIconModule,
    MatButtonModule,
    MatMenuModule,
    MatTooltipModule,
    TranslocoPipe,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-toolbar class="toolbar">
      @if (narrow()) {
        <button mat-icon-button (click)="drawer.toggle()" [attr.aria-label]="'shell.menu' | transloco">
          <mat-icon>menu</mat-icon>
        </button>
      }
      <a class="brand" routerLink="/operator/compose">
        <mat-icon>notifications_active</mat-icon>
        <span>Avisa</span>
      </a>
      <span class="spacer"></span>
      <button
        mat-icon-button
        [matMenuTriggerFor]="languageMenu"
        [matTooltip]="'shell.language' | transloco"
        [attr.aria-label]="'shell.language' | transloco"
        data-testid="language-menu"
      >
        <mat-icon>translate</mat-icon>
      </button>
      <mat-menu #languageMenu="matMenu">
        @for (l of languages; track l) {
          <button mat-menu-item (click)="language.use(l)" [attr.data-testid]="'language-' + l">
            {{ 'shell.languages.' + l | transloco }}
          </button>
        }
      </mat-menu>
      <button
        mat-icon-button
        (click)="theme.toggle()"
        [matTooltip]="(theme.theme() === 'dark' ? 'shell.lightTheme' : 'shell.darkTheme') | transloco"
        [attr.aria-label]="(theme.theme() === 'dark' ? 'shell.lightTheme' : 'shell.darkTheme') | transloco"
        data-testid="theme-toggle"
      >
        <mat-icon>{{ theme.theme() === 'dark' ? 'light_mode' : 'dark_mode' }}</mat-icon>
      </button>
      <button mat-button [matMenuTriggerFor]="userMenu" data-testid="user-menu">
        <mat-icon>account_circle</mat-icon>
        <span class="av-hide-narrow">{{ session.user()?.displayName }}</span>
      </button>
      <mat-menu #userMenu="matMenu">
        <div class="user-info" mat-menu-item disabled>
          {{ session.user()?.username }} · {{ 'roles.' + session.user()?.role | transloco }}
        </div>
        <button mat-menu-item (click)="logout()" data-testid="logout">
          <mat-icon>logout</mat-icon>
          {{ 'shell.logout' | transloco }}
        </button>
      </mat-menu>
    </mat-toolbar>
    @if (connection.lost()) {
      <div class="connection-lost" role="alert" data-testid="connection-lost">
        <mat-icon>cloud_off</mat-icon>
        {{ 'shell.connectionLost' | transloco }}
      </div>
    }
    <mat-sidenav-container class="container">
      <mat-sidenav #drawer [mode]="narrow() ? 'over' : 'side'" [opened]="!narrow()" class="nav">
        <mat-nav-list>
          <h3 matSubheader>{{ 'nav.operator' | transloco }}</h3>
          @for (item of operatorNav; track item.path) {
            <a
              mat-list-item
              [routerLink]="item.path"
              routerLinkActive
              #rla="routerLinkActive"
              [activated]="rla.isActive"
              (click)="narrow() && drawer.close()"
            >
              <mat-icon matListItemIcon>{{ item.icon }}</mat-icon>
              <span matListItemTitle>{{ item.labelKey | transloco }}</span>
            </a>
          }
          @if (session.isAdmin()) {
            <h3 matSubheader>{{ 'nav.admin' | transloco }}</h3>
            @for (item of adminNav; track item.path) {
              <a
                mat-list-item
                [routerLink]="item.path"
                routerLinkActive
                #rla="routerLinkActive"
                [activated]="rla.isActive"
                (click)="narrow() && drawer.close()"
              >
                <mat-icon matListItemIcon>{{ item.icon }}</mat-icon>
                <span matListItemTitle>{{ item.labelKey | transloco }}</span>
              </a>
            }
          }
        </mat-nav-list>
      </mat-sidenav>
      <mat-sidenav-content>
        <main>
          <router-outlet />
        </main>
      </mat-sidenav-content>
    </mat-sidenav-container>
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      height: 100%;
    }
    .toolbar {
      position: sticky;
      top: 0;
      z-index: 3;
      gap: 4px;
    }
    .brand {
      display: inline-flex;
      align-items: center;
      gap: 8px;
      color: inherit;
      text-decoration: none;
      font: var(--mat-sys-title-large);
    }
    .spacer {
      flex: 1 1 auto;
    }
    .container {
      flex: 1 1 auto;
    }
    .nav {
      width: 232px;
    }
    .connection-lost {
      display: flex;
      align-items: center;
      gap: 8px;
      padding: 8px 16px;
      background: var(--mat-sys-error-container);
      color: var(--mat-sys-on-error-container);
    }
    .user-info {
      opacity: 1;
    }
  `,
})
export class ShellComponent {
  private readonly http = inject(HttpClient);
  protected readonly session = inject(SessionStore);
  protected readonly connection = inject(ConnectionStatus);
  protected readonly language = inject(LanguageService);
  protected readonly theme = inject(ThemeService);
  protected readonly languages = LANGUAGES;
  protected readonly operatorNav = OPERATOR_NAV;
  protected readonly adminNav = ADMIN_NAV;
  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 959.98px)')
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );

  protected logout(): void {
    this.http.post(`${API_BASE}/auth/logout`, {}).subscribe({
      complete: () => this.session.end(),
      error: () => this.session.end(),
    });
  }
}
