import { previewGroupsCsv } from './group-csv';

describe('previewGroupsCsv', () => {
  it('reads , and ; lines after a BOM and a header, with CRLF, quotes and spaces, numbering lines as in the file', () => {
    const csv = '\uFEFFgrupo,miembros\r\nZona  Norte, Farmacia-1 ;farmacia-2\r\n\r\n"zona, sur";" Farmacia-3"\r\n';
    const preview = previewGroupsCsv(csv);
    expect(preview.headerSkipped).toBe(true);
    expect(preview.malformedLine).toBeNull();
    expect(preview.rows).toEqual([
      { line: 2, name: 'zona norte', members: ['farmacia-1', 'farmacia-2'], problems: [] },
      { line: 4, name: 'zona, sur', members: ['farmacia-3'], problems: [] },
    ]);
  });

  it('numbers a record by the line it ends on when a quoted cell spans lines', () => {
    expect(previewGroupsCsv('a,"x\ny",zz\nb,cc').rows.map((r) => [r.line, r.name, r.members])).toEqual([
      [2, 'a', ['x\ny', 'zz']],
      [3, 'b', ['cc']],
    ]);
  });

  it('flags what the server refuses: empty name, no members, a group twice, a member twice', () => {
    const rows = previewGroupsCsv(',farmacia-1\nnorte\nsur,f-a,f-b,F-A\nsur,f-c').rows;
    expect(rows.map((r) => [r.line, r.problems.map((p) => p.key)])).toEqual([
      [1, ['emptyName']],
      [2, ['noMembers']],
      [3, ['repeatedMember']],
      [4, ['repeatedGroup']],
    ]);
    expect(rows[3].problems[0].params).toEqual({ line: 3 });
  });

  it('flags members that are not site names, as the server does', () => {
    const rows = previewGroupsCsv('norte,farmacia-1,"""><svg/onload=alert(1)>",farmacia 2,x,Farmacia 2').rows;
    expect(rows[0].problems).toEqual([
      { key: 'repeatedMember', params: { member: 'farmacia 2' } },
      { key: 'badMember', params: { member: '"><svg/onload=alert(1)>' } },
      { key: 'badMember', params: { member: 'farmacia 2' } },
      { key: 'badMember', params: { member: 'x' } },
    ]);
  });

  it('undoes the export formula guard, as the server does', () => {
    expect(previewGroupsCsv("'=grupo,'-farmacia").rows[0]).toMatchObject({ name: '=grupo', members: ['-farmacia'] });
  });

  it('reports a malformed file with the line of the broken quote', () => {
    expect(previewGroupsCsv('a,b\n"sin cerrar,c\nd,e').malformedLine).toBe(3);
    expect(previewGroupsCsv('a,b"c\nd').malformedLine).toBe(1);
  });
});
