import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import type { ReceiverWithKeyResponse } from '@avisa/contracts';
import { downloadText } from '../../core/download';
import { OneTimeSecretComponent } from '../shared/one-time-secret.component';
import { SCREEN_KIT } from '../../core/ui/kit';

export interface SiteKeyData {
  site: ReceiverWithKeyResponse;
  /** A new key for an existing site (the old one stopped working) rather than a new site. */
  rotated: boolean;
}

/** Shows a site's key the only time the server gives it out. */
@Component({
  selector: 'av-site-key-dialog',
  imports: [SCREEN_KIT, MatDialogModule, OneTimeSecretComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 mat-dialog-title>
      {{
        (data.rotated ? 'manageSites.key.rotatedTitle' : 'manageSites.key.createdTitle')
          | transloco: { name: data.site.name }
      }}
    </h2>
    <mat-dialog-content>
      <p class="av-danger-note" role="alert" data-testid="key-warning">
        <mat-icon aria-hidden="true">warning</mat-icon>
        <span>{{ 'manageSites.key.onceWarning' | transloco }}</span>
      </p>
      @if (data.rotated) {
        <p>{{ 'manageSites.key.rotatedNote' | transloco }}</p>
      }
      <av-one-time-secret
        [value]="data.site.key"
        [label]="'manageSites.key.label' | transloco"
        valueTestId="site-key"
        copyTestId="copy-key"
      />
      <p class="av-muted">{{ 'manageSites.key.configHelp' | transloco: { file: configFileName } }}</p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-stroked-button type="button" (click)="downloadConfig()" data-testid="download-config">
        <mat-icon>download</mat-icon>
        {{ 'manageSites.key.downloadConfig' | transloco }}
      </button>
      <button mat-flat-button type="button" mat-dialog-close data-testid="key-close">
        {{ 'manageSites.key.done' | transloco }}
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    mat-dialog-content {
      max-width: 640px;
    }
  `,
})
export class SiteKeyDialogComponent {
  protected readonly data = inject<SiteKeyData>(MAT_DIALOG_DATA);
  private readonly origin = inject(DOCUMENT).location.origin;
  protected readonly configFileName = `avisa-receiver-${this.data.site.name}.json`;

  /** A ready config for the receiver (apps/receiver): the server's certificate is expected beside it as server.crt. */
  protected downloadConfig(): void {
    const config = { serverUrl: this.origin, name: this.data.site.name, key: this.data.site.key, ca: 'server.crt' };
    downloadText(this.configFileName, `${JSON.stringify(config, null, 2)}\n`, 'application/json;charset=utf-8');
  }
}
