import { jsonDepth } from './json-depth';

const nested = (depth: number): unknown => {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
};

describe('jsonDepth', () => {
  it('counts nested objects and arrays, not scalars', () => {
    expect(jsonDepth('text', 32)).toBe(0);
    expect(jsonDepth({}, 32)).toBe(1);
    expect(jsonDepth({ a: 1, b: 'x', c: null }, 32)).toBe(1);
    expect(jsonDepth({ target: { kind: 'all' }, members: ['a', 'b'] }, 32)).toBe(2);
    expect(jsonDepth([{ a: [{ b: {} }] }, []], 32)).toBe(5);
    expect(jsonDepth(nested(32), 32)).toBe(32);
  });

  it('stops just past the limit, without recursion, however deep the value is', () => {
    expect(jsonDepth(nested(33), 32)).toBe(33);
    expect(jsonDepth({ a: nested(200_000) }, 32)).toBe(33);
  });
});
