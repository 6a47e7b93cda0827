import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, signal, viewChild } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { AbstractControl, FormBuilder, ValidationErrors, Validators } from '@angular/forms';
import { COMMA, ENTER, SEMICOLON } from '@angular/cdk/keycodes';
import {
  MatAutocompleteModule,
  MatAutocompleteSelectedEvent,
  MatAutocompleteTrigger,
} from '@angular/material/autocomplete';
import { MatChipInputEvent, MatChipsModule } from '@angular/material/chips';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import {
  nameProblem,
  normalizeGroupName,
  normalizeName as normalizeSiteName,
  type GroupRequest,
  type GroupResponse,
} from '@avisa/contracts';
import { type ApiProblem, fieldProblems, toApiProblem } from '../../core/api-error';
import { GROUP_NAME_MAX, GroupsApi } from './groups.api';
import { SCREEN_KIT, FORM_KIT } from '../../core/ui/kit';
import { apiAction } from '../../core/api-resource';

export interface GroupEditData {
  /** The group to change; none to create one. */
  group?: GroupResponse;
}

const SUGGESTIONS_MAX = 50;

function atLeastOne(control: AbstractControl<string[]>): ValidationErrors | null {
  return control.value.length ? null : { required: true };
}

/** Creates or changes a group; closes with the saved group. */
@Component({
  selector: 'av-group-edit-dialog',
  imports: [SCREEN_KIT, FORM_KIT, MatDialogModule, MatChipsModule, MatAutocompleteModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './group-edit-dialog.component.html',
})
export class GroupEditDialogComponent {
  private readonly api = inject(GroupsApi);
  private readonly dialogRef = inject<MatDialogRef<GroupEditDialogComponent, GroupResponse>>(MatDialogRef);
  protected readonly data = inject<GroupEditData | null>(MAT_DIALOG_DATA, { optional: true }) ?? {};
  private readonly autocomplete = viewChild(MatAutocompleteTrigger);
  private readonly memberInput = viewChild<ElementRef<HTMLInputElement>>('memberInput');

  protected readonly editing = this.data.group !== undefined;
  protected readonly nameMax = GROUP_NAME_MAX;
  protected readonly separators = [ENTER, COMMA, SEMICOLON];

  protected readonly form = inject(FormBuilder).nonNullable.group({
    name: [this.data.group?.displayName ?? '', [Validators.required, Validators.maxLength(GROUP_NAME_MAX)]],
    members: [[...(this.data.group?.members ?? [])], [atLeastOne]],
  });

  protected readonly query = signal('');
  protected readonly memberNotice = signal<{ key: string; params: Record<string, unknown> } | null>(null);
  private readonly save = apiAction();
  protected readonly saving = this.save.busy;
  protected readonly problem = this.save.problem;
  protected readonly sitesProblem = signal<ApiProblem | null>(null);
  private readonly sites = signal<string[]>([]);
  private readonly members = toSignal(this.form.controls.members.valueChanges, {
    initialValue: this.form.controls.members.value,
  });

  protected readonly suggestions = computed(() => {
    const query = normalizeGroupName(this.query());
    // Only once something is typed: a long site list would otherwise cover the dialog after every chip.
    if (!query) return [];
    const taken = new Set(this.members());
    return this.sites()
      .filter((site) => !taken.has(site) && site.includes(query))
      .slice(0, SUGGESTIONS_MAX);
  });

  protected readonly nameServerProblems = computed(() => fieldProblems(this.problem(), 'name'));
  protected readonly membersServerProblems = computed(() => fieldProblems(this.problem(), 'members'));
  /** What is not already shown under a field. */
  protected readonly generalProblem = computed(() => {
    const p = this.problem();
    if (!p || p.status === 409) return null;
    return Object.keys(p.fields).length ? null : p;
  });

  constructor() {
    this.api.siteNames().subscribe({
      next: (names) => this.sites.set(names),
      error: (error: unknown) => this.sitesProblem.set(toApiProblem(error)),
    });
  }

  protected typed(event: MatChipInputEvent): void {
    // Enter on a highlighted suggestion: the autocomplete adds that one, not the half-typed text.
    if (this.autocomplete()?.activeOption) return;
    this.add([event.value]);
    this.clearInput();
  }

  protected picked(event: MatAutocompleteSelectedEvent): void {
    this.add([String(event.option.value)]);
    this.clearInput();
  }

  protected pasted(event: ClipboardEvent): void {
    const text = event.clipboardData?.getData('text') ?? '';
    if (!/[,;\n\r\t]/.test(text)) return;
    event.preventDefault();
    this.add(text.split(/[,;\n\r\t]+/));
  }

  protected remove(member: string): void {
    this.setMembers(this.form.controls.members.value.filter((m) => m !== member));
    this.memberNotice.set(null);
  }

  protected submit(): void {
    this.memberNotice.set(null);
    // Not added on blur (clicking a suggestion would add the half-typed text too), so a name still in the box counts now.
    const pending = this.memberInput()?.nativeElement.value ?? '';
    if (pending.trim()) {
      this.add([pending]);
      this.clearInput();
    }
    this.form.markAllAsTouched();
    if (this.form.invalid || this.saving()) return;
    const body: GroupRequest = {
      name: this.form.controls.name.value.trim(),
      members: this.form.controls.members.value,
    };
    const request = this.data.group ? this.api.update(this.data.group.name, body) : this.api.create(body);
    this.save.run(request, {
      next: (group) => this.dialogRef.close(group),
      problem: (problem) => {
        this.problem.set(problem);
        if (problem.status === 409) this.form.controls.name.setErrors({ taken: true });
        for (const field of ['name', 'members'] as const) {
          if (fieldProblems(problem, field).length) this.form.controls[field].setErrors({ server: true });
        }
      },
    });
  }

  private add(raw: string[]): void {
    const current = this.form.controls.members.value;
    const added: string[] = [];
    const repeated: string[] = [];
    const invalid: string[] = [];
    for (const name of raw.map(normalizeSiteName).filter(Boolean)) {
      if (nameProblem(name)) invalid.push(name);
      else if (current.includes(name) || added.includes(name)) repeated.push(name);
      else added.push(name);
    }
    if (added.length) this.setMembers([...current, ...added]);
    if (invalid.length) {
      this.memberNotice.set({ key: 'groups.edit.memberInvalid', params: { names: [...new Set(invalid)].join(', ') } });
    } else if (repeated.length) {
      this.memberNotice.set({
        key: 'groups.edit.memberRepeated',
        params: { names: [...new Set(repeated)].join(', ') },
      });
    } else {
      this.memberNotice.set(null);
    }
  }

  private clearInput(): void {
    const input = this.memberInput();
    if (input) input.nativeElement.value = '';
    this.query.set('');
  }

  private setMembers(members: string[]): void {
    const control = this.form.controls.members;
    control.setValue(members);
    control.markAsTouched();
  }
}
