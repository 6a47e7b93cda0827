import { TRANSLATIONS } from '../app/core/i18n';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  const es = flatten(TRANSLATIONS.es as Tree);
  const en = flatten(TRANSLATIONS.en as Tree);

  it('has every Spanish string in English and the other way round', () => {
    expect([...en.keys()].filter((k) => !es.has(k))).toEqual([]);
    expect([...es.keys()].filter((k) => !en.has(k))).toEqual([]);
  });

  it('has no empty string', () => {
    expect([...es, ...en].filter(([, v]) => !v.trim()).map(([k]) => k)).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const mismatched = [...es].filter(([k, v]) => placeholders(v).join() !== placeholders(en.get(k) ?? '').join());
    expect(mismatched.map(([k]) => k)).toEqual([]);
  });
});
