import type { ApiTokenResponse, BulkSitesReport, GroupResponse, ReceiverResponse } from '@avisa/contracts';
import { TestServer } from './support/server';
import { countRows, queryDb } from './support/database';

/** Sites carry what a support team needs; groups and API tokens keep the names people typed. */
describe('site details, CSV import with a line report, display names', () => {
  let server: TestServer;
  let admin: string;
  let operator: string;

  const csv = (raw: string, query = '') =>
    server.api('POST', `/api/v1/receivers/bulk${query}`, {
      token: admin,
      raw,
      headers: { 'content-type': 'text/csv' },
    });
  const auditDetails = (action: string, target: string | null) =>
    queryDb<{ details: string | null }>(
      server,
      'SELECT details FROM audit_events WHERE action = ? AND target IS NOT DISTINCT FROM ? ORDER BY id',
      action,
      target,
    ).map((row) => (row.details ? JSON.parse(row.details) : null));
  const names = async (query: string, token = operator) => {
    const response = await server.api('GET', `/api/v1/receivers${query}`, { token });
    expect(response.status).toBe(200);
    return (response.body as ReceiverResponse[]).map((r) => r.name).sort();
  };

  beforeAll(async () => {
    server = await TestServer.start();
    admin = await server.loginAdmin();
    await server.createUser(admin, 'opal', 'operator', 'Opal-Operator-2026');
    operator = await server.login('opal', 'Opal-Operator-2026');
  });

  afterAll(async () => {
    await server?.dispose();
  });

  describe('address, phone, region, tags and notes', () => {
    it('an admin creates a site with them; operators read them; the creation is audited with them', async () => {
      const created = await server.api('POST', '/api/v1/receivers', {
        token: admin,
        body: {
          name: 'farmacia-sol',
          displayName: 'Farmacia Sol',
          postalAddress: '  Calle del Sol 4, 28013 Madrid ',
          phone: '+34 912 345 678',
          region: 'Centro',
          tags: ['24h', ' guardia ', '24H'],
          notes: 'Llamar a Marta.\nLa persiana baja a las 22:00.',
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        postalAddress: 'Calle del Sol 4, 28013 Madrid',
        phone: '+34 912 345 678',
        region: 'Centro',
        tags: ['24h', 'guardia'],
        notes: 'Llamar a Marta.\nLa persiana baja a las 22:00.',
      });
      const read = await server.api('GET', '/api/v1/receivers/farmacia-sol', { token: operator });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ region: 'Centro', tags: ['24h', 'guardia'], phone: '+34 912 345 678' });
      expect(auditDetails('receiver.created', 'farmacia-sol')).toEqual([
        {
          postalAddress: 'Calle del Sol 4, 28013 Madrid',
          phone: '+34 912 345 678',
          region: 'Centro',
          tags: ['24h', 'guardia'],
          notes: 'Llamar a Marta.\nLa persiana baja a las 22:00.',
        },
      ]);

      const bare = await server.api('POST', '/api/v1/receivers', { token: admin, body: { name: 'farmacia-luna' } });
      expect(bare.status).toBe(201);
      expect(bare.body).toMatchObject({ postalAddress: null, phone: null, region: null, tags: [], notes: null });
    });

    it('an admin edits them (an empty value clears one); only the changes are audited; operators may not', async () => {
      const patched = await server.api('PATCH', '/api/v1/receivers/farmacia-sol', {
        token: admin,
        body: { phone: '', region: 'Norte', tags: ['guardia', 'accesible'], notes: 'Llamar a Marta.' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        postalAddress: 'Calle del Sol 4, 28013 Madrid',
        phone: null,
        region: 'Norte',
        tags: ['guardia', 'accesible'],
        notes: 'Llamar a Marta.',
      });
      expect(auditDetails('receiver.updated', 'farmacia-sol')).toEqual([
        { phone: null, region: 'Norte', tags: ['guardia', 'accesible'], notes: 'Llamar a Marta.' },
      ]);
      const same = await server.api('PATCH', '/api/v1/receivers/farmacia-sol', {
        token: admin,
        body: { region: 'Norte', tags: ['guardia', 'accesible'] },
      });
      expect(same.status).toBe(200);
      expect(auditDetails('receiver.updated', 'farmacia-sol')).toHaveLength(1);

      const byOperator = await server.api('PATCH', '/api/v1/receivers/farmacia-sol', {
        token: operator,
        body: { notes: 'cambiado' },
      });
      expect(byOperator.status).toBe(403);
      expect((await server.api('GET', '/api/v1/receivers/farmacia-sol', { token: admin })).body.notes).toBe(
        'Llamar a Marta.',
      );
    });

    it.each([
      ['phone', { phone: '91 CALL ME' }, 'phone may contain only digits'],
      ['phone', { phone: '-- --' }, 'phone may contain only digits'],
      ['phone', { phone: '1'.repeat(33) }, 'phone must be at most 32 characters long'],
      ['postalAddress', { postalAddress: 'x'.repeat(201) }, 'postalAddress must be at most 200 characters long'],
      ['postalAddress', { postalAddress: 'Calle\nMayor' }, 'postalAddress may not contain control characters'],
      ['region', { region: 'r'.repeat(65) }, 'region must be at most 64 characters long'],
      ['tags', { tags: 'urgente' }, 'tags must be a list of tags'],
      ['tags', { tags: ['a,b'] }, 'tags "a,b" may not contain | , ; or line breaks'],
      ['tags', { tags: ['t'.repeat(33)] }, 'longer than 32 characters'],
      ['tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags must hold at most 20 tags'],
      ['notes', { notes: 'n'.repeat(2001) }, 'notes must be at most 2000 characters long'],
    ])('refuses a bad %s with a 400 naming the field, changing nothing', async (field, body, text) => {
      const response = await server.api('PATCH', '/api/v1/receivers/farmacia-sol', { token: admin, body });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body.fields)).toEqual([field]);
      expect(response.body.fields[field].join(' ')).toContain(text);
      const created = await server.api('POST', '/api/v1/receivers', {
        token: admin,
        body: { name: 'farmacia-mala', ...body },
      });
      expect(created.status).toBe(400);
      expect(Object.keys(created.body.fields)).toEqual([field]);
      expect(queryDb(server, "SELECT 1 FROM receivers WHERE name = 'farmacia-mala'")).toEqual([]);
    });

    it('the list searches them (text, phone digits, region, tag) and refuses a bad filter naming it', async () => {
      await server.api('PATCH', '/api/v1/receivers/farmacia-luna', {
        token: admin,
        body: { region: 'Sur', tags: ['Guardia'], phone: '954-11-22-33', postalAddress: 'Av. de la Luna 9, Sevilla' },
      });
      expect(await names('?q=sevilla')).toEqual(['farmacia-luna']);
      expect(await names('?q=95411')).toEqual(['farmacia-luna']);
      expect(await names('?q=marta')).toEqual(['farmacia-sol']);
      expect(await names('?q=ACCESIBLE')).toEqual(['farmacia-sol']);
      expect(await names('?region=norte')).toEqual(['farmacia-sol']);
      expect(await names('?tag=guardia')).toEqual(['farmacia-luna', 'farmacia-sol']);
      expect(await names('?tag=guardia&region=Sur')).toEqual(['farmacia-luna']);
      expect(await names('?tag=guard')).toEqual([]);
      const bad = await server.api('GET', `/api/v1/receivers?region=${'r'.repeat(65)}`, { token: operator });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.fields)).toEqual(['region']);
    });
  });

  describe('CSV import through the bulk provisioning', () => {
    it('creates the sites with their details from named columns in any order, quotes and tags separated by |', async () => {
      const file =
        'phone,name,tags,region,address,notes,displayName\r\n' +
        '+34 600 111 222,csv-uno,24h|guardia,Norte,"C/ Mayor 1, Burgos","Timbre ""B""",Farmacia Uno\r\n' +
        ',csv-dos,,,,,\r\n';
      const check = await csv(file, '?dryRun=true');
      expect(check.status).toBe(200);
      expect(check.body).toEqual({
        sites: [
          {
            line: 2,
            name: 'csv-uno',
            displayName: 'Farmacia Uno',
            postalAddress: 'C/ Mayor 1, Burgos',
            phone: '+34 600 111 222',
            region: 'Norte',
            tags: ['24h', 'guardia'],
            notes: 'Timbre "B"',
          },
          { line: 3, name: 'csv-dos', displayName: 'csv-dos' },
        ],
        errors: [],
      });
      const created = await csv(file);
      expect(created.status).toBe(201);
      expect((created.body as string).split(/\r?\n/)[0]).toBe('name,key');
      const uno = (await server.api('GET', '/api/v1/receivers/csv-uno', { token: operator })).body;
      expect(uno).toMatchObject({
        displayName: 'Farmacia Uno',
        postalAddress: 'C/ Mayor 1, Burgos',
        phone: '+34 600 111 222',
        region: 'Norte',
        tags: ['24h', 'guardia'],
        notes: 'Timbre "B"',
      });
      expect(auditDetails('receivers.provisioned', null).at(-1)).toEqual({ count: 2, withDetails: 1 });
    });

    it('refuses the whole file for one bad line with a report of line, column and what is wrong; nothing created', async () => {
      const sites = countRows(server, 'receivers');
      const audit = countRows(server, 'audit_events');
      const file =
        'name,displayName,address,phone,region,tags,notes\n' +
        'csv-tres,Farmacia Tres,,+34 600 000 003,Este,,\n' +
        'csv-cuatro,Farmacia Cuatro,,llamar luego,Este,,\n' +
        'csv-cinco,Farmacia Cinco,,,Este,,\n';
      const refused = await csv(file);
      expect(refused.status).toBe(400);
      const report = refused.body.report as BulkSitesReport;
      expect(report.sites).toEqual([]);
      expect(report.errors).toEqual([
        {
          line: 3,
          field: 'phone',
          code: 'phoneCharacters',
          params: {},
          message: 'line 3: phone may contain only digits, spaces and + ( ) - . / (with at least one digit)',
        },
      ]);
      expect(refused.body.message).toBe(`nothing was created: ${report.errors[0].message}`);
      expect(countRows(server, 'receivers')).toBe(sites);
      expect(countRows(server, 'audit_events')).toBe(audit);

      const several = await csv(
        'name,region,colour,tags\n' +
          'csv-seis,Oeste,,\n' +
          `csv-siete,${'r'.repeat(65)},,\n` +
          'csv-seis,,,\n' +
          `csv-ocho,,,${Array.from({ length: 21 }, (_, i) => `t${i}`).join('|')}\n` +
          'farmacia-sol,,,\n',
      );
      expect(several.status).toBe(400);
      expect((several.body.report as BulkSitesReport).errors.map(({ line, field }) => ({ line, field }))).toEqual([
        { line: 1, field: null },
        { line: 3, field: 'region' },
        { line: 4, field: 'name' },
        { line: 5, field: 'tags' },
        { line: 6, field: 'name' },
      ]);
      expect((several.body.report as BulkSitesReport).errors[0].message).toContain('unknown column "colour"');
      expect(countRows(server, 'receivers')).toBe(sites);
    });

    it('exports the sites as a formula-safe CSV that imports back unchanged', async () => {
      const created = await server.api('POST', '/api/v1/receivers', {
        token: admin,
        body: { name: 'csv-formula', displayName: '=HYPERLINK("http://x")', notes: '+cmd', region: 'Formulas' },
      });
      expect(created.status).toBe(201);
      const exported = await server.api('GET', '/api/v1/receivers/export?region=formulas', { token: operator });
      expect(exported.status).toBe(200);
      expect(exported.headers['content-type']).toMatch(/^text\/csv/);
      expect(exported.body).toBe(
        'name,displayName,address,phone,region,tags,notes\n' +
          `csv-formula,"'=HYPERLINK(""http://x"")",,,Formulas,,'+cmd\n`,
      );
      const deleted = await server.api('DELETE', '/api/v1/receivers/csv-formula', { token: admin });
      expect(deleted.status).toBe(204);
      expect((await csv(exported.body as string)).status).toBe(201);
      expect((await server.api('GET', '/api/v1/receivers/csv-formula', { token: admin })).body).toMatchObject({
        displayName: '=HYPERLINK("http://x")',
        notes: '+cmd',
        region: 'Formulas',
      });
    });
  });

  describe('display names as typed', () => {
    it('a group keeps "Zona Norte" while its key stays "zona norte" for matching, edits, export and import', async () => {
      const created = await server.api('POST', '/api/v1/groups', {
        token: operator,
        body: { name: '  Zona   Norte ', members: ['farmacia-sol'] },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'zona norte', displayName: 'Zona   Norte' });
      const renamed = await server.api('PUT', '/api/v1/groups/ZONA%20NORTE', {
        token: operator,
        body: { name: 'Zona Norte', members: ['farmacia-sol'] },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'zona norte', displayName: 'Zona Norte' });
      expect(auditDetails('group.updated', 'zona norte')).toEqual([
        { displayName: 'Zona Norte', added: [], removed: [] },
      ]);
      const clash = await server.api('POST', '/api/v1/groups', {
        token: operator,
        body: { name: 'zona NORTE', members: ['farmacia-sol'] },
      });
      expect(clash.status).toBe(409);

      const imported = await server.api('POST', '/api/v1/groups/import', {
        token: operator,
        raw: 'Región Sur Ñ,farmacia-luna\n',
        headers: { 'content-type': 'text/csv' },
      });
      expect(imported.status).toBe(200);
      const list = (await server.api('GET', '/api/v1/groups', { token: operator })).body as GroupResponse[];
      expect(list.map((g) => [g.name, g.displayName])).toEqual([
        ['región sur ñ', 'Región Sur Ñ'],
        ['zona norte', 'Zona Norte'],
      ]);
      const exported = await server.api('GET', '/api/v1/groups/export', { token: operator });
      expect(exported.body).toBe('Región Sur Ñ,farmacia-luna\nZona Norte,farmacia-sol\n');
    });

    it('an API token keeps "Nagios monitorización" beside its key; the key alone still works', async () => {
      const created = await server.api('POST', '/api/v1/api-tokens', {
        token: admin,
        body: { name: 'nagios', displayName: ' Nagios monitorización ', scopes: ['read'] },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'nagios', displayName: 'Nagios monitorización' });
      const plain = await server.api('POST', '/api/v1/api-tokens', {
        token: admin,
        body: { name: 'zabbix', scopes: ['read'] },
      });
      expect(plain.body).toMatchObject({ name: 'zabbix', displayName: 'zabbix' });
      const list = (await server.api('GET', '/api/v1/api-tokens', { token: admin })).body as ApiTokenResponse[];
      expect(list.map((t) => [t.name, t.displayName]).sort()).toEqual([
        ['nagios', 'Nagios monitorización'],
        ['zabbix', 'zabbix'],
      ]);
      expect(auditDetails('api-token.created', 'nagios')[0]).toMatchObject({ displayName: 'Nagios monitorización' });
      const tooLong = await server.api('POST', '/api/v1/api-tokens', {
        token: admin,
        body: { name: 'largo', displayName: 'x'.repeat(129), scopes: ['read'] },
      });
      expect(tooLong.status).toBe(400);
      expect(Object.keys(tooLong.body.fields)).toEqual(['displayName']);
      const reads = await server.api('GET', '/api/v1/receivers', { token: created.body.token });
      expect(reads.status).toBe(200);
    });
  });
});
