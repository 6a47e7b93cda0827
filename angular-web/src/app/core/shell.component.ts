import { BreakpointObserver } from '@angular/cdk/layout';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, untracked } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { MatListModule } from '@angular/material/list';
import { MatMenuModule } from '@angular/material/menu';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { distinctUntilChanged, filter, map, skip } from 'rxjs';
import { API_BASE } from './auth.interceptor';
import { ChatStore } from '../chat/chat.store';
import { AttentionService } from '../home/attention.service';
import { ConnectionStatus } from './connection-status';
import { LANGUAGES, LanguageService } from './i18n';
import { PageFocus } from './page-focus';
import { SessionStore } from './session.store';
import { ThemeService } from './theme.service';
import { SCREEN_KIT } from './ui/kit';

interface NavItem {
  path: string;
  icon: string;
  labelKey: string;
  /** Shows the unread chat messages beside it. */
  unread?: boolean;
}

const CHAT_NAV: NavItem = { path: '/chat', icon: 'forum', labelKey: 'nav.chat', unread: true };
const FILES_NAV: NavItem = { path: '/files', icon: 'folder_shared', labelKey: 'nav.files' };

const OPERATOR_NAV: NavItem[] = [
  { path: '/home', icon: 'dashboard', labelKey: 'nav.home' },
  { path: '/operator/compose', icon: 'send', labelKey: 'nav.compose' },
  { path: '/operator/sites', icon: 'computer', labelKey: 'nav.sites' },
  { path: '/operator/history', icon: 'history', labelKey: 'nav.history' },
  { path: '/operator/groups', icon: 'groups', labelKey: 'nav.groups' },
  { path: '/operator/phrases', icon: 'bolt', labelKey: 'nav.phrases' },
];

const MEMBER_NAV: NavItem[] = [{ path: '/member', icon: 'home', labelKey: 'nav.home' }, CHAT_NAV, FILES_NAV];

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
    SCREEN_KIT,
    RouterOutlet,
    RouterLink,
    RouterLinkActive,
    MatToolbarModule,
    MatSidenavModule,
    MatListModule,
    MatMenuModule,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './shell.component.html',
  styleUrl: './shell.component.scss',
})
export class ShellComponent {
  private readonly http = inject(HttpClient);
  protected readonly session = inject(SessionStore);
  protected readonly connection = inject(ConnectionStatus);
  protected readonly language = inject(LanguageService);
  protected readonly theme = inject(ThemeService);
  protected readonly languages = LANGUAGES;
  protected readonly chat = inject(ChatStore);
  private readonly attention = inject(AttentionService);
  private readonly pageFocus = inject(PageFocus);
  /** The operator's screens, and the admin's below them for an admin. */
  protected readonly navSections = computed(() =>
    this.session.isMember()
      ? [{ titleKey: 'nav.member', items: MEMBER_NAV }]
      : [
          { titleKey: 'nav.operator', items: [...OPERATOR_NAV, CHAT_NAV, FILES_NAV] },
          ...(this.session.isAdmin() ? [{ titleKey: 'nav.admin', items: ADMIN_NAV }] : []),
        ],
  );
  protected readonly home = computed(() => (this.session.isMember() ? '/member' : '/home'));
  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 959.98px)')
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );

  constructor() {
    // The chat badge counts from the first screen on, not only once the chat was opened.
    effect(() => {
      if (!this.session.user()) return;
      untracked(() => {
        this.chat.start();
        this.attention.start();
      });
    });
    // A new screen (not a change of filters in the query) takes the focus to its heading; a page load leaves it at
    // the start of the page, where the first Tab reaches the skip link.
    const router = inject(Router);
    router.events
      .pipe(
        filter((event) => event instanceof NavigationEnd),
        map((event) => event.urlAfterRedirects.split(/[?#]/)[0]),
        distinctUntilChanged(),
        skip(router.navigated ? 0 : 1),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.pageFocus.toHeading());
  }

  protected skipToContent(event: Event): void {
    event.preventDefault();
    this.pageFocus.toHeading();
  }

  protected logout(): void {
    this.http.post(`${API_BASE}/auth/logout`, {}).subscribe({
      complete: () => this.session.end(),
      error: () => this.session.end(),
    });
  }
}
