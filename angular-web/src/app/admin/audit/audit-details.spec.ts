import { describe, expect, it } from 'vitest';
import { bundledText } from '../../core/api-error-text';
import { type DetailWords, describeDetails, describeTarget } from './audit-details';

const words = (language: 'es' | 'en'): DetailWords => ({
  translate: (key, params) => bundledText(language, key, params),
  dateTime: (iso) => `<${iso.slice(0, 10)}>`,
  number: (value) => value.toLocaleString(language === 'es' ? 'es-ES' : 'en-GB'),
});

const said = (details: Record<string, unknown>, language: 'es' | 'en' = 'es') =>
  describeDetails(details, words(language)).map((i) => `${i.label}: ${i.value}`);

describe('describeDetails', () => {
  it('labels keys and translates known values, booleans and roles', () => {
    expect(said({ reason: 'wrong password' })).toEqual(['Motivo: contraseña incorrecta']);
    expect(said({ reason: 'wrong password' }, 'en')).toEqual(['Reason: wrong password']);
    expect(said({ enabled: false, sessionsEnded: true })).toEqual(['Activo: No', 'Sesiones cerradas: Sí']);
    expect(said({ role: 'operator' })).toEqual(['Rol: operador']);
  });

  it('says a change as before → after, for the whole event or one key', () => {
    expect(said({ from: 'operator', to: 'admin' })).toEqual(['Cambio: operador → administrador']);
    expect(said({ displayName: { from: 'Ana', to: 'Ana López' } })).toEqual(['Nombre visible: Ana → Ana López']);
  });

  it('says the filters of an export as labelled values, dates in the app format, and numbers with units', () => {
    expect(said({ filters: { q: 'retract', from: '2026-11-20T08:00:00.000Z' }, rows: 1234, truncated: false })).toEqual(
      ['Filtros: Texto: «retract», Desde: <2026-11-20>', 'Filas: 1234', 'Recortado: No'],
    );
    expect(said({ ttlSeconds: 3600, size: 2048 })).toEqual(['Validez: 3600 s', 'Tamaño: 2048 bytes']);
  });

  it('keeps what people typed as typed, and quotes a key it has no label for', () => {
    expect(said({ text: 'Urgente: cerrar' })).toEqual(['Texto: «Urgente: cerrar»']);
    expect(said({ reply: 'disabled' })).toEqual(['Respuesta: disabled']);
    expect(said({ newThing: 'x', list: [] })).toEqual(['«newThing»: x', '«list»: —']);
  });
});

describe('describeTarget', () => {
  it('says the kinds of target the server writes in the app language, and leaves names and ids as they are', () => {
    const es = words('es');
    const en = words('en');
    expect(describeTarget('all', es)).toBe('Todos los sitios');
    expect(describeTarget('all', en)).toBe('All sites');
    expect(describeTarget('receiver:farmacia-norte', es)).toBe('Sitio farmacia-norte');
    expect(describeTarget('group:Zona Norte', en)).toBe('Group Zona Norte');
    expect(describeTarget('room #12 Incidencia: caja', es)).toBe('Sala #12 Incidencia: caja');
    expect(describeTarget('marin', es)).toBe('marin');
    expect(describeTarget('#7', es)).toBe('#7');
    expect(describeTarget('allison', es)).toBe('allison');
    expect(describeTarget(null, es)).toBe('—');
  });
});
