import { describe, expect, it } from 'vitest';
import { bundledText } from '../../core/api-error-text';
import { type DetailWords, describeDetails } from './audit-details';

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
