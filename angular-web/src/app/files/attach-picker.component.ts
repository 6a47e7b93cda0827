import { ChangeDetectionStrategy, Component, computed, inject, model, signal } from '@angular/core';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { ATTACHMENTS_MAX, type FileResponse } from '@avisa/contracts';
import { SCREEN_KIT } from '../core/ui/kit';
import { FilesApi, fileSize } from './files.api';

/** Picks up to five shared files that can be attached (clean or released), for an alert or a chat message. */
@Component({
  selector: 'av-attach-picker',
  imports: [SCREEN_KIT, MatCheckboxModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button mat-button type="button" (click)="toggle()" data-testid="attach-button" [attr.aria-expanded]="open()">
      <mat-icon>attach_file</mat-icon>{{ 'files.attach' | transloco }}
      @if (selected().length) {
        ({{ selected().length }})
      }
    </button>
    @if (open()) {
      <div class="picker" data-testid="attach-picker">
        <p class="av-muted">{{ 'files.attachHint' | transloco }}</p>
        @for (f of ready(); track f.id) {
          <mat-checkbox
            [checked]="selected().includes(f.id)"
            [disabled]="!selected().includes(f.id) && selected().length >= max"
            (change)="pick(f.id, $event.checked)"
            [attr.data-testid]="'attach-' + f.name"
          >
            {{ f.name }} <span class="av-muted">({{ size(f.size) }})</span>
          </mat-checkbox>
        } @empty {
          <p class="av-muted">{{ 'files.noneToAttach' | transloco }}</p>
        }
      </div>
    }
  `,
  styles: `
    .picker {
      display: flex;
      flex-direction: column;
      padding: 8px;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      max-height: 220px;
      overflow-y: auto;
    }
  `,
})
export class AttachPickerComponent {
  private readonly api = inject(FilesApi);
  /** The chosen file ids. */
  readonly selected = model<string[]>([]);
  protected readonly open = signal(false);
  protected readonly files = signal<FileResponse[]>([]);
  protected readonly ready = computed(() => this.files().filter((f) => f.downloadable));
  protected readonly max = ATTACHMENTS_MAX;
  protected readonly size = fileSize;

  protected toggle(): void {
    this.open.update((o) => !o);
    if (this.open()) this.api.list().subscribe({ next: (files) => this.files.set(files), error: () => undefined });
  }

  protected pick(id: string, on: boolean): void {
    this.selected.update((ids) => (on ? [...ids, id] : ids.filter((x) => x !== id)));
  }
}
