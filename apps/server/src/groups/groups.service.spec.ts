import type { Principal } from '../common/actor';
import { EventBus } from '../common/events/event-bus';
import { FieldValidationException } from '../common/http/validation';
import { ReceiversService } from '../receivers/receivers.service';
import { Clock } from '../common/system/clock';
import { FakeClock, adminActor, newTestService } from '../../test/utils';
import { GroupAccessService } from './group-access.service';
import { GroupImportException, GroupsService } from './groups.service';
import { GroupsRepository } from './groups.repository';

const admin: Principal = {
  kind: 'user',
  userId: 1,
  username: 'admin',
  displayName: 'A',
  role: 'admin',
  sessionId: 's',
};

function setup(existingGroups: string[] = [], sites: string[] = []) {
  const { sut, mock } = newTestService(GroupsService, [[Clock, new FakeClock()]]);
  const mocks = {
    groups: mock(GroupsRepository),
    access: mock(GroupAccessService),
    receivers: mock(ReceiversService),
    events: mock(EventBus),
  };
  mocks.groups.existingNames.mockImplementation(
    async (names: string[]) => new Set(names.filter((n) => existingGroups.includes(n))),
  );
  mocks.access.scopeOf.mockImplementation(async () => ({ restricted: false as const }));
  mocks.receivers.findSites.mockImplementation(async (names: string[]) =>
    names.filter((n) => sites.includes(n)).map((name, id) => ({ id, name, enabled: true })),
  );
  mocks.events.emit.mockImplementation(async () => undefined);
  return { sut, mocks };
}

const reportOf = async (promise: Promise<unknown>) => {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GroupImportException);
  return (error as GroupImportException).report;
};

describe('GroupsService.import', () => {
  it('reads a header, quotes, ";" and CRLF, and imports every group in one call, names kept as typed', async () => {
    const { sut, mocks } = setup([], ['f-1', 'f-2']);
    const report = await sut.import('group,members\r\n"Zona A";f-1;F-2\r\nzona b,f-3\r\n', 'a.csv', admin, adminActor);
    expect(report).toMatchObject({ imported: true, groups: 2, members: 3, errors: [] });
    expect(report.warnings).toEqual([
      {
        line: 3,
        code: 'group.unknown_member',
        params: { member: 'f-3' },
        message: '"f-3" is not a known site (imported anyway)',
      },
    ]);
    expect(mocks.groups.createMany).toHaveBeenCalledWith(
      [
        { line: 2, name: 'zona a', displayName: 'Zona A', members: ['f-1', 'f-2'] },
        { line: 3, name: 'zona b', displayName: 'zona b', members: ['f-3'] },
      ],
      expect.any(Number),
    );
  });

  it('reports a malformed file by line and imports nothing', async () => {
    const { sut, mocks } = setup();
    const report = await reportOf(sut.import('zona a,f-1\nzona "b,f-2\n', null, admin, adminActor));
    expect(report.errors[0].message).toMatch(/^malformed line/);
    expect(mocks.groups.createMany).not.toHaveBeenCalled();
  });

  it('refuses an empty file', async () => {
    const { sut } = setup();
    expect((await reportOf(sut.import('\n\n', null, admin, adminActor))).errors).toEqual([
      { line: 0, code: 'group.import_empty', params: {}, message: 'the file lists no groups' },
    ]);
  });

  it('holds members to the site-name rules, naming each bad one with its line', async () => {
    const { sut, mocks } = setup();
    const report = await reportOf(sut.import('zona a,f-1,<b>,x\nzona b,F 2\n', null, admin, adminActor));
    expect(report.errors.map(({ line, message }) => ({ line, message }))).toEqual([
      { line: 1, message: 'member "<b>" may contain only letters, digits, ".", "_" and "-"' },
      { line: 1, message: 'member "x" must be at least 2 characters long' },
      { line: 2, message: 'member "f 2" may contain only letters, digits, ".", "_" and "-"' },
    ]);
    expect(report.errors.map((e) => [e.code, e.params.member, e.params.problem])).toEqual([
      ['group.member_invalid', '<b>', 'pattern'],
      ['group.member_invalid', 'x', 'tooShort'],
      ['group.member_invalid', 'f 2', 'pattern'],
    ]);
    expect(mocks.groups.createMany).not.toHaveBeenCalled();
  });

  it('codes an existing group and a group without members on their lines', async () => {
    const { sut } = setup(['zona b']);
    const report = await reportOf(sut.import('zona a\nzona b,f-1\n', null, admin, adminActor));
    expect(report.errors).toEqual([
      { line: 1, code: 'group.no_members', params: { name: 'zona a' }, message: 'group "zona a" has no members' },
      { line: 2, code: 'group.already_exists', params: { name: 'zona b' }, message: 'group "zona b" already exists' },
    ]);
  });
});

describe('GroupsService.create', () => {
  it('refuses members that are not site names, naming each by its index, and stores nothing', async () => {
    const { sut, mocks } = setup();
    const error = await sut
      .create({ name: 'zona', members: ['f-1', '"><svg/onload=alert(1)>', ' ', 'F'] }, admin, adminActor)
      .catch((e: unknown) => e);
    expect((error as FieldValidationException).fields).toEqual({
      members: [
        'members[1] may contain only letters, digits, ".", "_" and "-"',
        'members[3] must be at least 2 characters long',
      ],
    });
    expect((error as FieldValidationException).problems.map((p) => [p.field, p.code, p.params.field])).toEqual([
      ['members', 'name.pattern', 'members[1]'],
      ['members', 'name.too_short', 'members[3]'],
    ]);
    expect(mocks.groups.create).not.toHaveBeenCalled();
  });
});
