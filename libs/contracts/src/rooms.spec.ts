import { mentionsIn, roomNameKey, textSegments } from './rooms';

describe('mentionsIn', () => {
  it('finds each @username once, lower-cased, in order', () => {
    expect(mentionsIn('@Ana and @luis.m, then @ana again')).toEqual(['ana', 'luis.m']);
  });

  it('ignores e-mail addresses, a lone @ and names too short to be a username', () => {
    expect(mentionsIn('write to soporte@farmacia.es or @ or @a')).toEqual([]);
  });

  it('drops a full stop that ends the sentence', () => {
    expect(mentionsIn('thanks @marta.')).toEqual(['marta']);
  });
});

describe('textSegments', () => {
  it('keeps markup as plain text: nothing in a message is HTML', () => {
    const text = '<img src=x onerror=alert(1)><b>hi</b>';
    expect(textSegments(text)).toEqual([{ kind: 'text', text }]);
  });

  it('links http and https addresses, without the punctuation after them', () => {
    expect(textSegments('see https://avisa.example/recall?id=7, (http://x.test/a).')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://avisa.example/recall?id=7', href: 'https://avisa.example/recall?id=7' },
      { kind: 'text', text: ', (' },
      { kind: 'link', text: 'http://x.test/a', href: 'http://x.test/a' },
      { kind: 'text', text: ').' },
    ]);
  });

  it('never links another scheme', () => {
    expect(textSegments('javascript:alert(1) data:text/html,x').every((s) => s.kind === 'text')).toBe(true);
  });

  it('marks mentions, and puts the pieces back together as the original text', () => {
    const text = 'hola @Luis: mira https://a.test y avisa a @marta.';
    const segments = textSegments(text);
    expect(segments.filter((s) => s.kind === 'mention')).toEqual([
      { kind: 'mention', text: '@Luis', username: 'luis' },
      { kind: 'mention', text: '@marta', username: 'marta' },
    ]);
    expect(segments.map((s) => s.text).join('')).toBe(text);
  });
});

describe('roomNameKey', () => {
  it('compares names ignoring case and surrounding spaces', () => {
    expect(roomNameKey('  Incidencias ')).toBe(roomNameKey('incidencias'));
  });
});
