import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../support/server';

/**
 * Every translation key the web app names as a literal exists in Spanish and in English. A missing key shows up in
 * the app as the key itself ("groups.import.title"), which no component spec notices. Keys built at run time
 * ('roles.' + role) cannot be checked here: only their prefix is, and they are listed as skipped.
 */
const APP = join(ROOT, 'angular-web/src/app');
const I18N = join(ROOT, 'angular-web/src/i18n');
const LANGS = ['es', 'en'] as const;

type Tree = { [key: string]: string | Tree };

const KEY = String.raw`[a-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+`;
/** Where a literal is a key: piped into transloco, translated, announced, or handed over as a `…Key`/`key`. */
const KEY_PATTERNS = [
  new RegExp(String.raw`'(${KEY})'\s*\|\s*transloco\b`, 'g'),
  new RegExp(String.raw`\btranslate\(\s*'(${KEY})'`, 'g'),
  new RegExp(String.raw`\b(?:info|announce)\(\s*'(${KEY})'`, 'g'),
  new RegExp(String.raw`\b(?:[A-Za-z]+Key|key)\s*:\s*'(${KEY})'`, 'g'),
];
/** `(cond ? 'a.b' : 'c.d') | transloco`: a choice between two keys. */
const CHOICE = new RegExp(String.raw`\?\s*'(${KEY})'\s*:\s*'(${KEY})'`, 'g');
const DYNAMIC = /'([a-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\.'\s*\+/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|html)$/.test(entry.name) && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function translations(lang: string): { tree: Tree; clashes: string[] } {
  const tree: Tree = {};
  const clashes: string[] = [];
  const owner = new Map<string, string>();
  for (const file of readdirSync(join(I18N, lang)).filter((f) => f.endsWith('.json'))) {
    const content = JSON.parse(readFileSync(join(I18N, lang, file), 'utf8')) as Tree;
    for (const [namespace, value] of Object.entries(content)) {
      // The app merges the files shallowly: a namespace in two files would lose one of them.
      if (owner.has(namespace)) clashes.push(`${lang}: "${namespace}" is in ${owner.get(namespace)} and ${file}`);
      owner.set(namespace, file);
      tree[namespace] = value;
    }
  }
  return { tree, clashes };
}

function lookup(tree: Tree, key: string): string | Tree | undefined {
  return key.split('.').reduce<string | Tree | undefined>((node, part) => {
    return node !== undefined && typeof node === 'object' ? node[part] : undefined;
  }, tree);
}

function usedKeys(): { keys: Map<string, string[]>; prefixes: Map<string, string[]> } {
  const keys = new Map<string, string[]>();
  const prefixes = new Map<string, string[]>();
  const add = (into: Map<string, string[]>, key: string, where: string) =>
    into.set(key, [...(into.get(key) ?? []), where]);
  for (const file of sources(APP)) {
    const text = readFileSync(file, 'utf8');
    const where = relative(ROOT, file);
    for (const pattern of KEY_PATTERNS) for (const m of text.matchAll(pattern)) add(keys, m[1], where);
    for (const m of text.matchAll(CHOICE)) {
      add(keys, m[1], where);
      add(keys, m[2], where);
    }
    for (const m of text.matchAll(DYNAMIC)) add(prefixes, m[1], where);
  }
  return { keys, prefixes };
}

describe('web app translations', () => {
  const { keys, prefixes } = usedKeys();

  it('finds the keys the app uses', () => {
    expect(keys.size).toBeGreaterThan(50);
    for (const known of ['login.title', 'shell.adminOnly', 'nav.compose', 'shell.lightTheme', 'shell.darkTheme']) {
      expect(keys.has(known)).toBe(true);
    }
  });

  it.each(LANGS)('has every key used in the app in %s', (lang) => {
    const { tree, clashes } = translations(lang);
    expect(clashes).toEqual([]);
    const missing = [...keys]
      .filter(([key]) => typeof lookup(tree, key) !== 'string')
      .map(([key, files]) => `${key} (${[...new Set(files)].join(', ')})`);
    expect(missing).toEqual([]);
  });

  it.each(LANGS)(
    'has a group of keys for every key built at run time in %s (the rest of those keys is skipped)',
    (lang) => {
      const { tree } = translations(lang);
      expect(prefixes.has('roles')).toBe(true);
      const missing = [...prefixes]
        .filter(([prefix]) => {
          const node = lookup(tree, prefix);
          return node === undefined || typeof node === 'string';
        })
        .map(([prefix, files]) => `${prefix}.* (${[...new Set(files)].join(', ')})`);
      expect(missing).toEqual([]);
    },
  );
});
