import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/utils';
import { DeliveryEntity, MessageEntity } from '../messaging/message.entity';
import { MessagesRepository } from '../messaging/messages.repository';
import { UserEntity } from '../users/user.entity';
import { GroupEntity, GroupMemberEntity, OperatorGroupEntity, OperatorRestrictionEntity } from './group.entity';
import type { GroupLimit } from './group-limit';
import { GroupsRepository } from './groups.repository';

const T0 = Date.parse('2026-11-22T10:00:00Z');

function message(id: string, sender: string, target: MessageEntity['targetKind'], name: string | null = null) {
  return {
    id,
    senderKind: sender.startsWith('token:') ? 'token' : 'user',
    senderName: sender,
    senderDisplay: sender,
    targetKind: target,
    targetName: name,
    text: `alert ${id}`,
    priority: 'normal',
    ttlSeconds: 3600,
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    retractedAt: null,
    retractedBy: null,
    recipientCount: 0,
    replies: null,
    attachments: null,
  } satisfies MessageEntity;
}

/** The rule of group-limit.ts as each query asks it, on a real SQLite file. */
describe('what an operator restricted to some groups may see', () => {
  let db: { dataSource: DataSource; dispose: () => Promise<void> };
  let groups: GroupsRepository;
  let messages: MessagesRepository;
  const users = new Map<string, number>();
  const groupIds = new Map<string, number>();

  const limitOf = (username: string): GroupLimit => ({
    sender: username,
    groupIds: username === 'limitado' ? [groupIds.get('norte')!] : [],
  });
  const visibleTo = async (username: string) =>
    (await messages.history({ within: limitOf(username), offset: 0, limit: 50 })).items.map((m) => m.id).sort();
  const names = (ids: number[]) => ids.map((id) => [...users].find(([, userId]) => userId === id)![0]).sort();

  beforeEach(async () => {
    db = await createTestDatabase();
    const ds = db.dataSource;
    groups = new GroupsRepository(
      ds.getRepository(GroupEntity),
      ds.getRepository(GroupMemberEntity),
      ds.getRepository(OperatorRestrictionEntity),
      ds.getRepository(OperatorGroupEntity),
      ds,
    );
    messages = new MessagesRepository(ds.getRepository(MessageEntity), ds.getRepository(DeliveryEntity), ds);
    for (const [username, role] of [
      ['jefa', 'admin'],
      ['libre', 'operator'],
      ['limitado', 'operator'],
      ['vacio', 'operator'],
    ] as const) {
      const user = await ds.getRepository(UserEntity).save({
        username,
        displayName: username,
        role,
        passwordHash: 'x',
        createdAt: T0,
        updatedAt: T0,
      });
      users.set(username, user.id);
    }
    for (const [name, members] of [
      ['norte', ['norte-1', 'norte-2']],
      ['sur', ['sur-1']],
    ] as const) {
      groupIds.set(name, (await groups.create(name, [...members], T0)).id);
    }
    await groups.setRestriction(users.get('limitado')!, false, [groupIds.get('norte')!], T0);
    await groups.setRestriction(users.get('vacio')!, true, [], T0);
    // Left over from when she was an operator: an admin is never limited.
    await groups.setRestriction(users.get('jefa')!, false, [groupIds.get('sur')!], T0);
    for (const m of [
      message('all', 'jefa', 'all'),
      message('group-norte', 'jefa', 'group', 'norte'),
      message('site-norte-1', 'jefa', 'receiver', 'norte-1'),
      message('group-sur', 'jefa', 'group', 'sur'),
      message('site-sur-1', 'libre', 'receiver', 'sur-1'),
      message('site-elsewhere', 'jefa', 'receiver', 'suelta-1'),
      message('own-all', 'limitado', 'all'),
      message('token-all', 'token:limitado', 'all'),
      message('own-sur', 'vacio', 'group', 'sur'),
    ]) {
      await messages.insertAccepted({ message: m, rows: [] });
    }
  });

  afterEach(() => db.dispose());

  it('lists its own alerts and those aimed at one of its groups or at a site of them, counted in the query', async () => {
    expect(await visibleTo('limitado')).toEqual(['group-norte', 'own-all', 'site-norte-1']);
    const page = await messages.history({ within: limitOf('limitado'), offset: 1, limit: 1 });
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(1);
  });

  it('with no group at all, lists only its own alerts; a token of the same name is not it', async () => {
    expect(await visibleTo('vacio')).toEqual(['own-sur']);
    expect(await visibleTo('limitado')).not.toContain('token-all');
  });

  it('finds one alert only within the limit', async () => {
    expect(await messages.findMessage('group-norte', limitOf('limitado'))).toMatchObject({ id: 'group-norte' });
    expect(await messages.findMessage('group-sur', limitOf('limitado'))).toBeNull();
    expect(await messages.findMessage('all', limitOf('limitado'))).toBeNull();
    expect(await messages.findMessage('group-sur')).toMatchObject({ id: 'group-sur' });
  });

  it('names, for the live view, the restricted operators who may not see an alert (never an admin)', async () => {
    expect(names(await groups.withheldAlert('group-norte'))).toEqual(['vacio']);
    expect(names(await groups.withheldAlert('site-norte-1'))).toEqual(['vacio']);
    expect(names(await groups.withheldAlert('own-all'))).toEqual(['vacio']);
    expect(names(await groups.withheldAlert('own-sur'))).toEqual(['limitado']);
    expect(names(await groups.withheldAlert('all'))).toEqual(['limitado', 'vacio']);
    expect(names(await groups.withheldAlert('site-elsewhere'))).toEqual(['limitado', 'vacio']);
    expect(names(await groups.withheldAlert('no-such-alert'))).toEqual(['limitado', 'vacio']);
  });

  it('names the restricted operators who may not see a site', async () => {
    expect(names(await groups.withheldSite('norte-2'))).toEqual(['vacio']);
    expect(names(await groups.withheldSite('sur-1'))).toEqual(['limitado', 'vacio']);
    expect([...(await groups.membersOf([groupIds.get('norte')!]))].sort()).toEqual(['norte-1', 'norte-2']);
  });

  it('judges a group target by the group as it is named now: after a rename, older alerts to it are withheld', async () => {
    await groups.update(groupIds.get('norte')!, 'zona norte', ['norte-1', 'norte-2'], T0 + 1);
    expect(await visibleTo('limitado')).toEqual(['own-all', 'site-norte-1']);
    await messages.insertAccepted({ message: message('group-renamed', 'jefa', 'group', 'zona norte'), rows: [] });
    expect(await visibleTo('limitado')).toContain('group-renamed');
  });
});
