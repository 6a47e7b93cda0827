import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatAutocompleteModule, type MatAutocompleteSelectedEvent } from '@angular/material/autocomplete';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { RoomMemberResponse, RoomPerson, RoomRole } from '@avisa/contracts';
import { Subject, catchError, debounceTime, of, switchMap } from 'rxjs';
import { rowActions } from '../core/api-resource';
import { confirmThen, dangerConfirm } from '../core/ui/confirm-dialog.component';
import { SCREEN_KIT } from '../core/ui/kit';
import { ChatStore } from './chat.store';

const ROLE_ORDER: Record<RoomRole, number> = { owner: 0, moderator: 1, member: 2 };

/**
 * The open room's members with their roles. The owner appoints moderators and hands the room over; the owner and
 * moderators add people (found as they type) and remove members (only the owner removes a moderator).
 */
@Component({
  selector: 'av-members-panel',
  imports: [SCREEN_KIT, MatAutocompleteModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './members-panel.component.html',
  styleUrl: './members-panel.component.scss',
})
export class MembersPanelComponent {
  protected readonly store = inject(ChatStore);
  private readonly dialog = inject(MatDialog);
  protected readonly rows = rowActions<number>();
  protected readonly candidates = signal<RoomPerson[]>([]);
  protected readonly query = signal('');
  private readonly searches = new Subject<string>();
  /** The field empties once someone is picked. */
  protected readonly noText = () => '';

  protected readonly owner = computed(() => this.store.active()?.role === 'owner');
  protected readonly canAdd = computed(() => this.store.isManager() && !this.store.active()?.archived);
  protected readonly members = computed(() =>
    [...this.store.members()].sort(
      (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.displayName.localeCompare(b.displayName),
    ),
  );

  constructor() {
    this.searches
      .pipe(
        debounceTime(200),
        switchMap((q) => this.store.candidates(q).pipe(catchError(() => of([] as RoomPerson[])))),
        takeUntilDestroyed(),
      )
      .subscribe((people) => this.candidates.set(people));
  }

  protected canRemove(member: RoomMemberResponse): boolean {
    if (!this.store.isManager() || member.id === this.store.myId() || member.role === 'owner') return false;
    return this.owner() || member.role === 'member';
  }

  protected search(q: string): void {
    this.query.set(q);
    if (this.canAdd()) this.searches.next(q.trim());
  }

  protected add(event: MatAutocompleteSelectedEvent): void {
    const person = event.option.value as RoomPerson;
    this.query.set('');
    if (person.id === null) return;
    this.rows.run(person.id, this.store.setMember(person.id, 'member'), { next: () => this.search('') });
  }

  protected setRole(member: RoomMemberResponse, role: RoomRole): void {
    this.rows.run(member.id, this.store.setMember(member.id, role));
  }

  protected handOver(member: RoomMemberResponse): void {
    confirmThen(
      this.dialog,
      dangerConfirm('chat.confirm.handOver', { name: member.displayName }, 'chat.members.handOver'),
      () => this.rows.run(member.id, this.store.setMember(member.id, 'owner')),
    );
  }

  protected remove(member: RoomMemberResponse): void {
    confirmThen(
      this.dialog,
      dangerConfirm('chat.confirm.removeMember', { name: member.displayName }, 'chat.members.remove'),
      () => this.rows.run(member.id, this.store.removeMember(member.id)),
    );
  }
}
