import { HttpEventType } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatDialog } from '@angular/material/dialog';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import type { FileResponse } from '@avisa/contracts';
import { TranslocoService } from '@jsverse/transloco';
import { toApiProblem, type ApiProblem } from '../core/api-error';
import { apiResource, rowActions } from '../core/api-resource';
import { LiveService } from '../core/live.service';
import { Notifier } from '../core/notifier';
import { SessionStore } from '../core/session.store';
import { confirmThen, dangerConfirm } from '../core/ui/confirm-dialog.component';
import { SCREEN_KIT } from '../core/ui/kit';
import { FilesApi, fileSize, saveBlob } from './files.api';

interface Upload {
  name: string;
  percent: number;
  problem: ApiProblem | null;
}

const REVIEW_STATES = new Set(['quarantined', 'infected', 'unscannable', 'scanner_unavailable']);

/**
 * Shared files: staff upload (button or drag and drop, with progress), everyone downloads what is clean or released,
 * each file's state follows the scanner live; admins review the quarantine, release with a reason, and delete.
 */
@Component({
  selector: 'av-files',
  imports: [SCREEN_KIT, MatSlideToggleModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './files.component.html',
  styleUrl: './files.component.scss',
})
export class FilesComponent {
  private readonly api = inject(FilesApi);
  private readonly dialog = inject(MatDialog);
  private readonly notifier = inject(Notifier);
  private readonly transloco = inject(TranslocoService);
  private readonly live = inject(LiveService);
  protected readonly session = inject(SessionStore);
  protected readonly size = fileSize;
  protected readonly files = apiResource(() => this.api.list(), {
    initial: [] as FileResponse[],
    reloadOn: this.live.resynced$,
  });
  protected readonly rows = rowActions<string>();
  protected readonly uploads = signal<Upload[]>([]);
  protected readonly reviewOnly = signal(false);
  protected readonly dragging = signal(false);
  protected readonly canUpload = computed(() => !this.session.isMember());
  protected readonly shown = computed(() =>
    this.files.value().filter((f) => !this.reviewOnly() || (REVIEW_STATES.has(f.state) && !f.downloadable)),
  );

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.live.fileUpdated$
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((file) =>
        this.files.value.update((all) =>
          [file, ...all.filter((f) => f.id !== file.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
        ),
      );
    this.live.fileDeleted$
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(({ id }) => this.files.value.update((all) => all.filter((f) => f.id !== id)));
  }

  protected picked(input: HTMLInputElement): void {
    for (const file of Array.from(input.files ?? [])) this.upload(file);
    input.value = '';
  }

  protected dropped(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(false);
    if (!this.canUpload()) return;
    for (const file of Array.from(event.dataTransfer?.files ?? [])) this.upload(file);
  }

  protected dragOver(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(this.canUpload());
  }

  private upload(file: File): void {
    const entry: Upload = { name: file.name, percent: 0, problem: null };
    this.uploads.update((all) => [...all, entry]);
    const update = (patch: Partial<Upload>) =>
      this.uploads.update((all) => all.map((u) => (u === entry ? Object.assign(entry, patch) : u)).slice());
    this.api.upload(file).subscribe({
      next: (event) => {
        if (event.type === HttpEventType.UploadProgress && event.total) {
          update({ percent: Math.round((100 * event.loaded) / event.total) });
        } else if (event.type === HttpEventType.Response && event.body) {
          const stored = event.body;
          // The scanner may have answered (live) before this response arrived: what came live is newer.
          this.files.value.update((all) => (all.some((f) => f.id === stored.id) ? all : [stored, ...all]));
          this.uploads.update((all) => all.filter((u) => u !== entry));
        }
      },
      error: (error: unknown) => update({ problem: toApiProblem(error) }),
    });
  }

  protected dismiss(upload: Upload): void {
    this.uploads.update((all) => all.filter((u) => u !== upload));
  }

  protected download(file: FileResponse): void {
    this.rows.run(file.id, this.api.content(file.id), { next: (blob) => saveBlob(file.name, blob) });
  }

  protected release(file: FileResponse): void {
    const reason = window.prompt(this.transloco.translate('files.releasePrompt', { name: file.name }))?.trim();
    if (!reason) return;
    this.rows.run(file.id, this.api.release(file.id, reason), {
      next: (released) => {
        this.files.value.update((all) => all.map((f) => (f.id === released.id ? released : f)));
        this.notifier.info('files.released', { name: file.name });
      },
    });
  }

  protected delete(file: FileResponse): void {
    confirmThen(this.dialog, dangerConfirm('files.deleteConfirm', { name: file.name }), () =>
      this.rows.run(file.id, this.api.delete(file.id), {
        next: () => this.files.value.update((all) => all.filter((f) => f.id !== file.id)),
      }),
    );
  }
}
