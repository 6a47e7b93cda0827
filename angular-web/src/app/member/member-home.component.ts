import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import { SessionStore } from '../core/session.store';
import { SCREEN_KIT } from '../core/ui/kit';

/** Where a member lands: what their account is for, and the way to the chat. */
@Component({
  selector: 'av-member-home',
  imports: [SCREEN_KIT, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 data-testid="member-home-title">{{ 'memberHome.title' | transloco: { name: name() } }}</h1>
    <p>{{ 'memberHome.role' | transloco }}</p>
    <p>{{ 'memberHome.what' | transloco }}</p>
    <p data-testid="member-home-soon">{{ 'memberHome.soon' | transloco }}</p>
    <a mat-flat-button routerLink="/chat" data-testid="member-open-chat">
      <mat-icon>forum</mat-icon>{{ 'memberHome.openChat' | transloco }}
    </a>
  `,
})
export class MemberHomeComponent {
  private readonly session = inject(SessionStore);
  protected readonly name = computed(() => this.session.user()?.displayName ?? '');
}
