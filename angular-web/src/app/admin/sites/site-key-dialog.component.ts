import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { INSTALLER_PLATFORMS, type InstallerPlatform, type ReceiverWithKeyResponse } from '@avisa/contracts';
import { apiAction } from '../../core/api-resource';
import { downloadText } from '../../core/download';
import { AdminSitesApi } from './admin-sites.api';
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
      <h3>{{ 'manageSites.key.installerTitle' | transloco }}</h3>
      <p>{{ 'manageSites.key.installerHelp' | transloco }}</p>
      <div class="installers">
        @for (platform of platforms; track platform) {
          <button
            mat-stroked-button
            type="button"
            [disabled]="installer.busy()"
            (click)="downloadInstaller(platform)"
            [attr.data-testid]="'download-installer-' + platform"
          >
            <mat-icon>install_desktop</mat-icon>
            {{ 'manageSites.key.installer.' + platform | transloco }}
          </button>
        }
      </div>
      <ul class="av-small how-to" data-testid="installer-how-to">
        <li>
          {{ 'manageSites.key.installerRun.linux' | transloco }}
          <code class="av-mono">sudo sh {{ installerFile.linux }}</code>
        </li>
        <li>
          {{ 'manageSites.key.installerRun.windows' | transloco }}
          <code class="av-mono">powershell -ExecutionPolicy Bypass -File {{ installerFile.windows }}</code>
        </li>
      </ul>
      @if (downloaded(); as file) {
        <p class="av-muted" role="status" data-testid="installer-downloaded">
          {{ 'manageSites.key.installerDownloaded' | transloco: { file } }}
        </p>
      }
      @if (installerProblemKey(); as key) {
        <p class="av-error" role="alert" data-testid="installer-problem">
          {{ key | transloco }}
        </p>
      } @else {
        <av-api-error [problem]="installer.problem()" />
      }
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
    h3 {
      font: var(--mat-sys-title-small);
      margin: 16px 0 4px;
    }
    .installers {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
    }
    .how-to {
      padding-left: 20px;
    }
    .how-to code {
      display: block;
      overflow-x: auto;
      padding: 2px 0 6px;
    }
  `,
})
export class SiteKeyDialogComponent {
  protected readonly data = inject<SiteKeyData>(MAT_DIALOG_DATA);
  private readonly origin = inject(DOCUMENT).location.origin;
  private readonly api = inject(AdminSitesApi);
  protected readonly configFileName = `avisa-receiver-${this.data.site.name}.json`;
  protected readonly platforms = INSTALLER_PLATFORMS;
  protected readonly installerFile: Record<InstallerPlatform, string> = {
    linux: `avisa-install-${this.data.site.name}.sh`,
    windows: `avisa-install-${this.data.site.name}.ps1`,
  };
  protected readonly installer = apiAction();
  protected readonly requestedPlatform = signal<InstallerPlatform>('linux');
  protected readonly downloaded = signal<string | null>(null);
  /** The two refusals an admin can act on, in plain words; anything else shows as the server said it. */
  protected readonly installerProblemKey = computed(() => {
    const problem = this.installer.problem();
    if (problem?.status === 400 && problem.fields['platform']) {
      return `manageSites.key.installerNoPackage.${this.requestedPlatform()}`;
    }
    if (problem?.status === 403) return 'manageSites.key.installerKeyRefused';
    return null;
  });

  /** The server writes the script (address, certificate, site, key); the key goes back to it, never stored. */
  protected downloadInstaller(platform: InstallerPlatform): void {
    this.requestedPlatform.set(platform);
    this.downloaded.set(null);
    this.installer.run(this.api.installer(this.data.site.name, { key: this.data.site.key, platform }), {
      next: (file) => {
        downloadText(file.fileName, file.content, file.type);
        this.downloaded.set(file.fileName);
      },
    });
  }

  /** A ready config for the receiver (apps/receiver): the server's certificate is expected beside it as server.crt. */
  protected downloadConfig(): void {
    const config = { serverUrl: this.origin, name: this.data.site.name, key: this.data.site.key, ca: 'server.crt' };
    downloadText(this.configFileName, `${JSON.stringify(config, null, 2)}\n`, 'application/json;charset=utf-8');
  }
}
