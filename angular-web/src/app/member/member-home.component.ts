import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { SessionStore } from '../core/session.store';
import { SCREEN_KIT } from '../core/ui/kit';

/** Where a member lands: what their account is for, until the chat rooms and shared files arrive. */
@Component({
  selector: 'av-member-home',
  imports: [SCREEN_KIT],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1 data-testid="member-home-title">{{ 'memberHome.title' | transloco: { name: name() } }}</h1>
    <p>{{ 'memberHome.role' | transloco }}</p>
    <p>{{ 'memberHome.what' | transloco }}</p>
    <p class="av-muted" data-testid="member-home-soon">{{ 'memberHome.soon' | transloco }}</p>
  `,
})
export class MemberHomeComponent {
  private readonly session = inject(SessionStore);
  protected readonly name = computed(() => this.session.user()?.displayName ?? '');
}
