import { eventually } from './support/eventually';
import { SitePc, disposeSitePcs, stopAllReceivers } from './support/receiver';
import { TestServer } from './support/server';
import { countRows, queryDb } from './support/database';

const ENV = { AVISA_LOGIN_IP_LIMIT: '200', AVISA_RECEIVER_AUTH_FAILURES_PER_MINUTE: '1000' };

describe('groups: CRUD, info, sending, CSV import/export and per-group permissions', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;
  let restricted: string;
  let restrictedId: number;
  const keys = new Map<string, string>();

  const api = (method: string, path: string, token: string, body?: unknown) =>
    server.api(method, path, { token, body });
  const importCsv = (csv: string, token = admin, filename = 'grupos.csv') =>
    server.api('POST', `/api/v1/groups/import?filename=${encodeURIComponent(filename)}`, {
      token,
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });

  beforeAll(async () => {
    server = await TestServer.start({ env: ENV });
    admin = await server.loginAdmin();
    await server.createUser(admin, 'tecnico', 'operator', 'Tecnico-Pass-2026');
    const limited = await server.createUser(admin, 'limitado', 'operator', 'Limitado-Pass-2026');
    restrictedId = limited.id;
    operator = await server.login('tecnico', 'Tecnico-Pass-2026');
    restricted = await server.login('limitado', 'Limitado-Pass-2026');
    for (const name of ['farmacia-1', 'farmacia-2', 'farmacia-3', 'farmacia-4']) {
      const created = await api('POST', '/api/v1/receivers', admin, { name });
      expect(created.status).toBe(201);
      keys.set(name, created.body.key);
    }
  });

  afterAll(async () => {
    await stopAllReceivers();
    await disposeSitePcs();
    await server.dispose();
  });

  describe('rules', () => {
    it('normalizes names and members, and lets an operator create, rename, change and delete a group', async () => {
      const created = await api('POST', '/api/v1/groups', operator, {
        name: '  Farmacias   Zona NORTE ',
        members: [' Farmacia-1 ', 'FARMACIA-2'],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'farmacias zona norte', members: ['farmacia-1', 'farmacia-2'] });
      const renamed = await api('PUT', '/api/v1/groups/farmacias%20zona%20norte', operator, {
        name: 'zona norte',
        members: ['farmacia-1', 'farmacia-3'],
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'zona norte', members: ['farmacia-1', 'farmacia-3'] });
      expect((await api('GET', '/api/v1/groups/farmacias%20zona%20norte', operator)).status).toBe(404);
      const audit = queryDb<{ action: string; actor_name: string }>(
        server,
        "SELECT action, actor_name FROM audit_events WHERE action LIKE 'group.%' ORDER BY id",
      );
      expect(audit).toEqual([
        { action: 'group.created', actor_name: 'tecnico' },
        { action: 'group.updated', actor_name: 'tecnico' },
      ]);
      expect((await api('DELETE', '/api/v1/groups/zona%20norte', operator)).status).toBe(204);
      expect(countRows(server, 'group_members')).toBe(0);
    });

    it.each([
      [{ name: '   ', members: ['farmacia-1'] }, 'name must not be empty'],
      [{ name: 'vacio', members: [] }, 'members must list at least one site'],
      [{ name: 'doble', members: ['farmacia-1', ' FARMACIA-1'] }, 'members lists "farmacia-1" more than once'],
    ])('refuses %o with a message naming the problem, storing nothing', async (body, message) => {
      const response = await api('POST', '/api/v1/groups', operator, body);
      expect(response.status).toBe(400);
      expect(response.body.message).toBe(message);
      expect(countRows(server, 'groups')).toBe(0);
    });

    it.each([
      ['markup', '"><svg/onload=alert(1)>', 'members[1] may contain only letters, digits, ".", "_" and "-"'],
      ['a space', 'farmacia 9', 'members[1] may contain only letters, digits, ".", "_" and "-"'],
      ['one character', 'x', 'members[1] must be at least 2 characters long'],
      ['65 characters', 'f'.repeat(65), 'members[1] must be at most 64 characters long'],
    ])(
      'refuses a member with %s (members follow the site-name rules), storing nothing',
      async (_what, member, message) => {
        const response = await api('POST', '/api/v1/groups', operator, {
          name: 'zona xss',
          members: ['farmacia-1', member],
        });
        expect(response.status).toBe(400);
        expect(response.body.fields).toEqual({ members: [message] });
        expect(countRows(server, 'groups')).toBe(0);
        expect(countRows(server, 'group_members')).toBe(0);
      },
    );

    it('refuses a name that collides with another group after normalization', async () => {
      expect(
        (await api('POST', '/api/v1/groups', operator, { name: 'zona sur', members: ['farmacia-4'] })).status,
      ).toBe(201);
      const clash = await api('POST', '/api/v1/groups', operator, { name: 'ZONA   Sur', members: ['farmacia-1'] });
      expect(clash.status).toBe(409);
      expect(clash.body.message).toBe('a group named "zona sur" already exists');
      expect((await api('DELETE', '/api/v1/groups/zona%20sur', operator)).status).toBe(204);
    });
  });

  describe('CSV import and export', () => {
    afterEach(async () => {
      for (const g of (await api('GET', '/api/v1/groups', admin)).body as { name: string }[]) {
        await api('DELETE', `/api/v1/groups/${encodeURIComponent(g.name)}`, admin);
      }
    });

    it('imports nothing from a file with several errors and reports each with its line', async () => {
      expect((await api('POST', '/api/v1/groups', admin, { name: 'existente', members: ['farmacia-1'] })).status).toBe(
        201,
      );
      const csv = [
        'grupo,miembro1,miembro2',
        'zona a,farmacia-1,farmacia-2',
        'existente,farmacia-3',
        'sin miembros',
        'zona a,farmacia-4',
        'repetido,farmacia-1,Farmacia-1',
        ',farmacia-2',
        'marcado,farmacia-1,<svg/onload=alert(1)>,farmacia 2',
      ].join('\n');
      const response = await importCsv(csv);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/nothing was imported: 7 problem/);
      expect(response.body).toMatchObject({ code: 'group.import_refused', params: { count: 7 } });
      expect(response.body.report.imported).toBe(false);
      expect(response.body.report.errors.map((e: { code: string }) => e.code)).toEqual([
        'group.already_exists',
        'group.no_members',
        'group.repeated',
        'group.member_twice',
        'group.name_empty',
        'group.member_invalid',
        'group.member_invalid',
      ]);
      expect(response.body.report.errors.slice(0, 2).map((e: { params: object }) => e.params)).toEqual([
        { name: 'existente' },
        { name: 'sin miembros' },
      ]);
      expect(
        response.body.report.errors.map(({ line, message }: { line: number; message: string }) => ({ line, message })),
      ).toEqual([
        { line: 3, message: 'group "existente" already exists' },
        { line: 4, message: 'group "sin miembros" has no members' },
        { line: 5, message: 'group "zona a" also appears on line 2' },
        { line: 6, message: 'member "farmacia-1" is listed twice in group "repetido"' },
        { line: 7, message: 'the group name is empty' },
        { line: 8, message: 'member "<svg/onload=alert(1)>" may contain only letters, digits, ".", "_" and "-"' },
        { line: 8, message: 'member "farmacia 2" may contain only letters, digits, ".", "_" and "-"' },
      ]);
      expect(countRows(server, 'groups')).toBe(1);
    });

    it('checks a file with ?dryRun=true: the same report with 200, nothing imported and nothing audited', async () => {
      const auditBefore = countRows(server, 'audit_events');
      const check = (csv: string) =>
        server.api('POST', '/api/v1/groups/import?dryRun=true&filename=prueba.csv', {
          token: admin,
          raw: csv,
          headers: { 'content-type': 'text/csv' },
        });
      const good = await check('Zona A,farmacia-1,farmacia-nueva\nzona b;farmacia-2');
      expect(good.status).toBe(200);
      expect(good.body).toEqual({
        file: 'prueba.csv',
        imported: false,
        groups: 2,
        members: 3,
        errors: [],
        warnings: [
          {
            line: 1,
            code: 'group.unknown_member',
            params: { member: 'farmacia-nueva' },
            message: '"farmacia-nueva" is not a known site (imported anyway)',
          },
        ],
        preview: [
          { line: 1, name: 'zona a', displayName: 'Zona A', members: ['farmacia-1', 'farmacia-nueva'] },
          { line: 2, name: 'zona b', displayName: 'zona b', members: ['farmacia-2'] },
        ],
      });
      const bad = await check('zona a,farmacia-1\nzona a,farmacia-2');
      expect(bad.status).toBe(200);
      expect(bad.body.errors).toEqual([
        {
          line: 2,
          code: 'group.repeated',
          params: { name: 'zona a', line: 1 },
          message: 'group "zona a" also appears on line 1',
        },
      ]);
      expect(countRows(server, 'groups')).toBe(0);
      expect(countRows(server, 'audit_events')).toBe(auditBefore);
    });

    it('accepts a Spanish spreadsheet file: BOM, ";" separators, CRLF and quoted fields; unknown members are warnings', async () => {
      const csv = '\uFEFFZona Norte;farmacia-1;"farmacia-2"\r\n"Zona, Centro";farmacia-3;farmacia-nueva\r\n';
      const response = await importCsv(csv, admin, 'zonas.csv');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ imported: true, groups: 2, members: 4, errors: [] });
      expect(response.body.warnings).toMatchObject([
        { line: 2, code: 'group.unknown_member', message: '"farmacia-nueva" is not a known site (imported anyway)' },
      ]);
      const groups = (await api('GET', '/api/v1/groups', admin)).body as { name: string; members: string[] }[];
      expect(groups.map((g) => [g.name, g.members])).toEqual(
        [
          ['zona norte', ['farmacia-1', 'farmacia-2']],
          ['zona, centro', ['farmacia-3', 'farmacia-nueva']],
        ].sort(),
      );
      const audit = queryDb<{ target: string; details: string }>(
        server,
        "SELECT target, details FROM audit_events WHERE action = 'groups.imported'",
      );
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0].details)).toMatchObject({ file: 'zonas.csv', groups: 2, members: 4 });
    });

    it('exports with formula injection neutralised, and the export imports back unchanged', async () => {
      await api('POST', '/api/v1/groups', admin, { name: '=cmd()', members: ['-farmacia-1', 'farmacia-2', '-x'] });
      await api('POST', '/api/v1/groups', admin, { name: 'normal', members: ['farmacia-3'] });
      const before = (await api('GET', '/api/v1/groups', admin)).body as unknown[];
      const exported = await server.api('GET', '/api/v1/groups/export', { token: admin });
      expect(exported.status).toBe(200);
      expect(exported.headers['content-type']).toMatch(/text\/csv/);
      const text = exported.body as string;
      expect(text.split('\n')).toContain("'=cmd(),'-farmacia-1,'-x,farmacia-2");
      expect(text).not.toMatch(/(^|,)=/m);
      for (const g of before as { name: string }[])
        await api('DELETE', `/api/v1/groups/${encodeURIComponent(g.name)}`, admin);
      const back = await importCsv(text, admin, 'export.csv');
      expect(back.status).toBe(200);
      const after = ((await api('GET', '/api/v1/groups', admin)).body as { name: string; members: string[] }[]).map(
        (g) => [g.name, g.members],
      );
      expect(after).toEqual((before as { name: string; members: string[] }[]).map((g) => [g.name, g.members]));
    });
  });

  describe('sending to a group and group info with real receiver processes', () => {
    it('splits members into online, offline and unknown as receivers connect and disconnect, and delivers to the group', async () => {
      const created = await api('POST', '/api/v1/groups', operator, {
        name: 'ruta',
        members: ['farmacia-1', 'farmacia-2', 'farmacia-fantasma'],
      });
      expect(created.status).toBe(201);
      const info = async () => (await api('GET', '/api/v1/groups/ruta/info', operator)).body;
      expect(await info()).toEqual({
        name: 'ruta',
        online: [],
        offline: ['farmacia-1', 'farmacia-2'],
        unknown: ['farmacia-fantasma'],
      });
      const pc = SitePc.create(server, 'farmacia-1', keys.get('farmacia-1')!);
      pc.start();
      await eventually(info, (i) => i.online.includes('farmacia-1'), 15_000);
      expect(await info()).toEqual({
        name: 'ruta',
        online: ['farmacia-1'],
        offline: ['farmacia-2'],
        unknown: ['farmacia-fantasma'],
      });

      const sent = await api('POST', '/api/v1/messages', operator, {
        target: { kind: 'group', name: 'RUTA' },
        text: 'Ruta cambiada',
      });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({
        online: ['farmacia-1'],
        queued: ['farmacia-2'],
        unknown: ['farmacia-fantasma'],
      });
      await eventually(
        async () => (await api('GET', `/api/v1/messages/${sent.body.id}`, operator)).body.counts,
        (c) => c.delivered === 1,
        15_000,
      );
      expect(pc.shown('Ruta cambiada')).toBe(1);

      await pc.process!.stop();
      await eventually(info, (i) => i.online.length === 0, 15_000);
      expect(await info()).toMatchObject({ online: [], offline: ['farmacia-1', 'farmacia-2'] });
    });
  });

  describe('per-group permissions', () => {
    beforeAll(async () => {
      await api('POST', '/api/v1/groups', admin, { name: 'permitido', members: ['farmacia-3'] });
      await api('POST', '/api/v1/groups', admin, { name: 'prohibido', members: ['farmacia-4'] });
      const set = await api('PUT', `/api/v1/users/${restrictedId}/restrictions`, admin, {
        restricted: true,
        allowGlobal: false,
        groups: ['Permitido'],
      });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ userId: restrictedId, restricted: true, allowGlobal: false, groups: ['permitido'] });
    });

    it('lets a restricted operator see and send only to its groups and their sites', async () => {
      const visible = (await api('GET', '/api/v1/groups', restricted)).body as { name: string }[];
      expect(visible.map((g) => g.name)).toEqual(['permitido']);
      expect(
        (
          await api('POST', '/api/v1/messages', restricted, {
            target: { kind: 'group', name: ' Permitido ' },
            text: 'ok',
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await api('POST', '/api/v1/messages', restricted, {
            target: { kind: 'receiver', name: 'farmacia-3' },
            text: 'ok',
          })
        ).status,
      ).toBe(201);
    });

    it.each([
      ['a global alert', { kind: 'all' }, 'send to global alerts'],
      ['another group', { kind: 'group', name: 'prohibido' }, 'send to group "prohibido"'],
      ['a site outside its groups', { kind: 'receiver', name: 'farmacia-4' }, 'send to site "farmacia-4"'],
    ])('refuses %s with a clear 403, stores nothing, and audits the refusal', async (_what, target, refused) => {
      const messages = countRows(server, 'messages');
      const response = await api('POST', '/api/v1/messages', restricted, { target, text: 'no' });
      expect(response.status).toBe(403);
      expect(response.body.message).toBe(`you are not allowed to ${refused}: your account is limited to some groups`);
      expect(countRows(server, 'messages')).toBe(messages);
      const audit = queryDb(
        server,
        "SELECT * FROM audit_events WHERE action = 'access.refused' AND actor_name = 'limitado' AND target = ?",
        refused,
      );
      expect(audit).toHaveLength(1);
    });

    it('hides other groups from a restricted operator and refuses managing groups', async () => {
      const info = await api('GET', '/api/v1/groups/prohibido/info', restricted);
      expect(info.status).toBe(403);
      const create = await api('POST', '/api/v1/groups', restricted, { name: 'mio', members: ['farmacia-4'] });
      expect(create.status).toBe(403);
      // ruta, permitido and prohibido: nothing was added.
      expect(countRows(server, 'groups')).toBe(3);
    });

    it('lets global alerts through when allowed, and an admin lifts the restriction', async () => {
      await api('PUT', `/api/v1/users/${restrictedId}/restrictions`, admin, {
        restricted: true,
        allowGlobal: true,
        groups: ['permitido'],
      });
      expect(
        (await api('POST', '/api/v1/messages', restricted, { target: { kind: 'all' }, text: 'todos' })).status,
      ).toBe(201);
      await api('PUT', `/api/v1/users/${restrictedId}/restrictions`, admin, { restricted: false });
      expect(
        (
          await api('POST', '/api/v1/messages', restricted, {
            target: { kind: 'group', name: 'prohibido' },
            text: 'ya',
          })
        ).status,
      ).toBe(201);
      expect((await api('GET', `/api/v1/users/${restrictedId}/restrictions`, operator)).status).toBe(403);
    });
  });
});
