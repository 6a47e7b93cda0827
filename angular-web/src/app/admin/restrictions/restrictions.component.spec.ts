import { serverError, configureTestBed, aUser } from '../../core/testing';
import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { GroupResponse, OperatorRestrictionsResponse, UserResponse } from '@avisa/contracts';
import { vi } from 'vitest';
import { Notifier } from '../../core/notifier';
import { allByTestId, byTestId } from '../shared/testing';
import { RestrictionsComponent } from './restrictions.component';

const user = (id: number, username: string, role: UserResponse['role'] = 'operator'): UserResponse =>
  aUser(id, username, { role });

const group = (id: number, name: string): GroupResponse => ({
  id,
  name,
  displayName: name,
  members: [],
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
});

const USERS = [user(1, 'admin', 'admin'), user(2, 'ana'), user(3, 'luis')];
const GROUPS = [group(1, 'zona norte'), group(2, 'zona sur'), group(3, 'zona este')];
const FREE = (userId: number): OperatorRestrictionsResponse => ({
  userId,
  restricted: false,
  allowGlobal: true,
  groups: [],
});
const LUIS: OperatorRestrictionsResponse = {
  userId: 3,
  restricted: true,
  allowGlobal: true,
  groups: ['zona norte', 'zona sur', 'zona este'],
};

async function setup() {
  const notifier = { info: vi.fn() };
  configureTestBed([RestrictionsComponent], [{ provide: Notifier, useValue: notifier }]);
  const fixture = TestBed.createComponent(RestrictionsComponent);
  const http = TestBed.inject(HttpTestingController);
  await fixture.whenStable();
  http.expectOne('/api/v1/users').flush(USERS);
  http.expectOne('/api/v1/groups').flush(GROUPS);
  await fixture.whenStable();
  http.expectOne('/api/v1/users/2/restrictions').flush(FREE(2));
  http.expectOne('/api/v1/users/3/restrictions').flush(LUIS);
  await fixture.whenStable();
  const el = fixture.nativeElement as HTMLElement;
  const row = (username: string) =>
    el.querySelector<HTMLElement>(`[data-testid="restriction-operator"][data-user="${username}"]`)!;
  const stable = () => fixture.whenStable();
  const select = async (username: string, answer: OperatorRestrictionsResponse) => {
    byTestId(row(username), 'restriction-select')!.click();
    await stable();
    http.expectOne(`/api/v1/users/${answer.userId}/restrictions`).flush(answer);
    await stable();
  };
  const tick = async (testId: string) => {
    const target = byTestId(el, testId)!;
    (target.matches('button') ? target : target.querySelector<HTMLElement>('input, button')!).click();
    await stable();
  };
  const tickGroup = async (name: string) => {
    el.querySelector<HTMLElement>(`[data-testid="restriction-groups"] [data-group="${name}"] input`)!.click();
    await stable();
  };
  return { fixture, el, http, notifier, row, select, tick, tickGroup, stable };
}

describe('RestrictionsComponent', () => {
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('lists only operators, with a summary of their restriction', async () => {
    const { el, row } = await setup();
    expect(allByTestId(el, 'restriction-operator').map((r) => r.dataset['user'])).toEqual(['ana', 'luis']);
    expect(byTestId(row('ana'), 'restriction-summary')?.textContent).toContain('Sin restricción');
    expect(byTestId(row('luis'), 'restriction-summary')?.textContent).toContain('3 grupos');
    expect(byTestId(row('luis'), 'restriction-summary')?.textContent).toContain('+ todos los sitios');
  });

  it('restricts an operator to the ticked groups and sends exactly that', async () => {
    const { http, notifier, row, select, tick, tickGroup, stable } = await setup();
    await select('ana', FREE(2));
    await tick('restriction-toggle');
    await tickGroup('zona sur');
    await tickGroup('zona este');
    await tick('restriction-save');
    const req = http.expectOne('/api/v1/users/2/restrictions');
    expect(req.request.method).toBe('PUT');
    expect(req.request.body).toEqual({ restricted: true, allowGlobal: false, groups: ['zona este', 'zona sur'] });
    req.flush({ userId: 2, restricted: true, allowGlobal: false, groups: ['zona este', 'zona sur'] });
    await stable();
    expect(byTestId(row('ana'), 'restriction-summary')?.textContent).toContain('2 grupos');
    expect(notifier.info).toHaveBeenCalledWith('restrictions.saved', { name: 'ANA' });
  });

  it('lifts a restriction with {restricted:false}', async () => {
    const { http, select, tick } = await setup();
    await select('luis', LUIS);
    await tick('restriction-toggle');
    await tick('restriction-save');
    const req = http.expectOne('/api/v1/users/3/restrictions');
    expect(req.request.body).toEqual({ restricted: false });
  });

  it('keeps sending to every site when that box stays ticked', async () => {
    const { http, select, tick, tickGroup } = await setup();
    await select('luis', LUIS);
    await tickGroup('zona norte');
    await tick('restriction-save');
    expect(http.expectOne('/api/v1/users/3/restrictions').request.body).toEqual({
      restricted: true,
      allowGlobal: true,
      groups: ['zona este', 'zona sur'],
    });
  });

  it('warns that a restricted operator with nothing allowed cannot send', async () => {
    const { el, select, tick } = await setup();
    await select('ana', FREE(2));
    expect(byTestId(el, 'restriction-nothing')).toBeNull();
    await tick('restriction-toggle');
    expect(byTestId(el, 'restriction-nothing')?.textContent).toContain('no podrá enviar ningún aviso');
  });

  it('shows an unknown group next to the group list', async () => {
    const { el, http, select, tick, tickGroup, stable } = await setup();
    await select('ana', FREE(2));
    await tick('restriction-toggle');
    await tickGroup('zona norte');
    await tick('restriction-save');
    http.expectOne('/api/v1/users/2/restrictions').flush(
      ...serverError(404, 'no such group: "zona norte"', {
        code: 'group.unknown_groups',
        params: { names: ['zona norte'] },
      }),
    );
    await stable();
    const error = el.querySelector('fieldset [data-testid="api-error"]');
    expect(error?.textContent?.trim()).toBe('No existen estos grupos: «zona norte».');
  });

  it('shows a refusal about the operator next to the save button', async () => {
    const { el, http, select, tick, stable } = await setup();
    await select('ana', FREE(2));
    await tick('restriction-toggle');
    await tick('restriction-save');
    http
      .expectOne('/api/v1/users/2/restrictions')
      .flush(...serverError(400, 'admins see and send everything; only operators can be restricted'));
    await stable();
    const errors = allByTestId(el, 'api-error');
    expect(errors).toHaveLength(1);
    expect(errors[0].textContent).toContain('only operators can be restricted');
    expect(errors[0].closest('fieldset')).toBeNull();
  });
});
