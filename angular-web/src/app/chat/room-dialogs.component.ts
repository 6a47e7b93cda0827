import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormBuilder, Validators } from '@angular/forms';
import { MatDialogModule, MatDialogRef, MAT_DIALOG_DATA } from '@angular/material/dialog';
import { MatSelectModule } from '@angular/material/select';
import {
  ROOM_DESCRIPTION_MAX,
  ROOM_KINDS,
  ROOM_NAME_MAX,
  ROOM_PASSWORD_MIN,
  type RoomKind,
  type RoomMessageReceiptsResponse,
  type RoomResponse,
} from '@avisa/contracts';
import { fieldProblems } from '../core/api-error';
import { apiAction } from '../core/api-resource';
import { FORM_KIT, SCREEN_KIT } from '../core/ui/kit';
import { ChatApi } from './chat.api';

/** A new room: name, description, kind (each explained), password for the kinds joined by code, retention. */
@Component({
  selector: 'av-create-room-dialog',
  imports: [SCREEN_KIT, FORM_KIT, MatDialogModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ 'chat.create.title' | transloco }}</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" data-testid="create-room-form">
      <mat-dialog-content class="fields">
        <mat-form-field>
          <mat-label>{{ 'chat.create.name' | transloco }}</mat-label>
          <input matInput formControlName="name" [maxlength]="nameMax" data-testid="room-name" cdkFocusInitial />
          @for (p of problems('name'); track p) {
            <mat-error>{{ p }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'chat.create.description' | transloco }}</mat-label>
          <textarea matInput formControlName="description" [maxlength]="descriptionMax" rows="2"></textarea>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'chat.create.kind' | transloco }}</mat-label>
          <mat-select formControlName="kind" data-testid="room-kind">
            @for (kind of kinds; track kind) {
              <mat-option [value]="kind" [attr.data-testid]="'room-kind-' + kind">{{
                'chat.kinds.' + kind | transloco
              }}</mat-option>
            }
          </mat-select>
          <mat-hint>{{ 'chat.kindHelp.' + form.controls.kind.value | transloco }}</mat-hint>
        </mat-form-field>
        @if (coded()) {
          <mat-form-field>
            <mat-label>{{
              (kind() === 'protected' ? 'chat.create.password' : 'chat.create.passwordOptional') | transloco
            }}</mat-label>
            <input
              matInput
              type="password"
              formControlName="password"
              autocomplete="new-password"
              data-testid="room-password"
            />
            <mat-hint>{{ 'chat.create.passwordHint' | transloco: { min: passwordMin } }}</mat-hint>
            @for (p of problems('password'); track p) {
              <mat-error>{{ p }}</mat-error>
            }
          </mat-form-field>
        }
        @if (kind() !== 'ephemeral') {
          <mat-form-field>
            <mat-label>{{ 'chat.create.retention' | transloco }}</mat-label>
            <input matInput type="number" min="1" formControlName="retentionDays" />
            <mat-hint>{{ 'chat.create.retentionHint' | transloco }}</mat-hint>
          </mat-form-field>
        }
        <av-api-error [problem]="problem()" />
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | transloco }}</button>
        <button mat-flat-button type="submit" [disabled]="busy()" data-testid="create-room-submit">
          {{ 'common.create' | transloco }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .fields {
      display: flex;
      flex-direction: column;
      gap: 8px;
      min-width: min(440px, 80vw);
    }
  `,
})
export class CreateRoomDialogComponent {
  private readonly api = inject(ChatApi);
  private readonly dialogRef = inject(MatDialogRef<CreateRoomDialogComponent, RoomResponse>);
  private readonly action = apiAction();
  protected readonly busy = this.action.busy;
  protected readonly problem = this.action.problem;
  protected readonly kinds = ROOM_KINDS;
  protected readonly nameMax = ROOM_NAME_MAX;
  protected readonly descriptionMax = ROOM_DESCRIPTION_MAX;
  protected readonly passwordMin = ROOM_PASSWORD_MIN;
  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: ['', [Validators.required]],
    description: [''],
    kind: ['private' as RoomKind],
    password: [''],
    retentionDays: [null as number | null],
  });
  protected readonly kind = signal<RoomKind>('private');
  protected readonly coded = computed(() => this.kind() === 'protected' || this.kind() === 'ephemeral');

  constructor() {
    this.form.controls.kind.valueChanges.subscribe((kind) => this.kind.set(kind));
  }

  protected problems(field: string): string[] {
    return fieldProblems(this.problem(), field);
  }

  protected submit(): void {
    if (this.form.invalid || this.busy()) return this.form.markAllAsTouched();
    const v = this.form.getRawValue();
    this.action.run(
      this.api.create({
        name: v.name,
        description: v.description,
        kind: v.kind,
        ...(this.coded() && v.password ? { password: v.password } : {}),
        ...(v.kind !== 'ephemeral' && v.retentionDays ? { retentionDays: Number(v.retentionDays) } : {}),
      }),
      { next: (room) => this.dialogRef.close(room) },
    );
  }
}

/** Joining a protected or ephemeral room with the code (and password) its owner gave. */
@Component({
  selector: 'av-join-room-dialog',
  imports: [SCREEN_KIT, FORM_KIT, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ 'chat.join.title' | transloco }}</h2>
    <form [formGroup]="form" (ngSubmit)="submit()" data-testid="join-room-form">
      <mat-dialog-content class="fields">
        <p class="av-muted">{{ 'chat.join.explain' | transloco }}</p>
        <mat-form-field>
          <mat-label>{{ 'chat.join.code' | transloco }}</mat-label>
          <input matInput formControlName="code" autocomplete="off" data-testid="join-code" cdkFocusInitial />
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ 'chat.join.password' | transloco }}</mat-label>
          <input matInput type="password" formControlName="password" autocomplete="off" data-testid="join-password" />
        </mat-form-field>
        <av-api-error [problem]="problem()" />
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>{{ 'common.cancel' | transloco }}</button>
        <button mat-flat-button type="submit" [disabled]="busy()" data-testid="join-submit">
          {{ 'chat.join.submit' | transloco }}
        </button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .fields {
      display: flex;
      flex-direction: column;
      min-width: min(380px, 80vw);
    }
  `,
})
export class JoinRoomDialogComponent {
  private readonly api = inject(ChatApi);
  private readonly dialogRef = inject(MatDialogRef<JoinRoomDialogComponent, RoomResponse>);
  private readonly action = apiAction();
  protected readonly busy = this.action.busy;
  protected readonly problem = this.action.problem;
  protected readonly form = inject(FormBuilder).nonNullable.group({ code: ['', Validators.required], password: [''] });

  protected submit(): void {
    if (this.form.invalid || this.busy()) return this.form.markAllAsTouched();
    const { code, password } = this.form.getRawValue();
    this.action.run(this.api.joinWithCode(code.trim(), password), { next: (room) => this.dialogRef.close(room) });
  }
}

/** Who a message reached and who read it. */
@Component({
  selector: 'av-receipts-dialog',
  imports: [SCREEN_KIT, MatDialogModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>{{ 'chat.receipts.title' | transloco }}</h2>
    <mat-dialog-content data-testid="receipts">
      @for (group of groups; track group.key) {
        <h3>{{ 'chat.receipts.' + group.key | transloco: { count: group.people.length } }}</h3>
        <ul>
          @for (person of group.people; track person.username) {
            <li>
              {{ person.displayName }} <span class="av-muted">&#64;{{ person.username }}</span>
            </li>
          } @empty {
            <li class="av-muted">{{ 'common.none' | transloco }}</li>
          }
        </ul>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button mat-dialog-close>{{ 'common.close' | transloco }}</button>
    </mat-dialog-actions>
  `,
})
export class ReceiptsDialogComponent {
  private readonly data = inject<RoomMessageReceiptsResponse>(MAT_DIALOG_DATA);
  protected readonly groups = [
    { key: 'readBy', people: this.data.readBy },
    { key: 'deliveredTo', people: this.data.deliveredTo.filter((p) => !this.data.readBy.some((r) => r.id === p.id)) },
    { key: 'waiting', people: this.data.waiting },
  ];
}
