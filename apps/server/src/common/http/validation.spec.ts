import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from '../password-policy';
import { IsNormalizedName } from './names';
import { createValidationPipe, FieldValidationException } from './validation';

class SampleDto {
  @IsNormalizedName('username')
  username!: string;

  @IsAcceptablePassword('username')
  password!: string;

  @IsString()
  @MaxLength(10)
  label!: string;

  @IsOptional()
  @IsIn(['normal', 'urgent'])
  priority?: string;

  @IsOptional()
  @IsInt()
  @Max(60)
  ttl?: number;
}

async function problemsOf(body: unknown) {
  const error = await createValidationPipe()
    .transform(body, { type: 'body', metatype: SampleDto })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FieldValidationException);
  return (error as FieldValidationException).problems;
}

describe('validation problems', () => {
  it('gives each failed constraint its code, the field and the decorator arguments as params', async () => {
    const problems = await problemsOf({
      username: 'marin',
      password: 'Farmacia-Norte-2026!',
      label: 'x'.repeat(11),
      priority: 'loud',
      ttl: 61,
    });
    expect(problems.map(({ field, code, params }) => ({ field, code, params }))).toEqual([
      { field: 'label', code: 'validation.max_length', params: { field: 'label', max: 10 } },
      { field: 'priority', code: 'validation.not_in', params: { field: 'priority', values: ['normal', 'urgent'] } },
      { field: 'ttl', code: 'validation.max', params: { field: 'ttl', max: 60 } },
    ]);
    expect(problems[0].message).toBe('label must be shorter than or equal to 10 characters');
  });

  it('codes a missing field, an unknown field, a bad name and a common password', async () => {
    const problems = await problemsOf({ username: 'Marín Ñ', password: 'password123', extra: 1 });
    expect(problems.map(({ field, code }) => [field, code])).toEqual([
      ['extra', 'validation.unknown_field'],
      ['username', 'name.pattern'],
      ['password', 'password.common'],
      ['label', 'validation.required'],
    ]);
    expect(problems.find((p) => p.field === 'password')).toEqual({
      field: 'password',
      code: 'password.common',
      params: { field: 'password' },
      message: 'password is one of the most commonly used passwords; choose another',
    });
  });

  it('reads the username of the same body for the password rule', async () => {
    const problems = await problemsOf({ username: 'farmacia.centro', password: 'Farmacia.Centro', label: 'a' });
    expect(problems).toEqual([
      {
        field: 'password',
        code: 'password.same_as_username',
        params: { field: 'password' },
        message: 'password must not be the same as the username',
      },
    ]);
  });

  it('keeps the English messages by field for scripts', async () => {
    const error = new FieldValidationException({ origin: ['the server address could not be told'] });
    expect(error.fields).toEqual({ origin: ['the server address could not be told'] });
    expect(error.problems[0]).toMatchObject({ field: 'origin', code: 'validation.invalid' });
    expect(error.message).toBe('the server address could not be told');
  });
});

class BaseRulesDto {
  @IsString()
  name!: string;
}

class ChildRulesDto extends BaseRulesDto {
  @IsInt()
  count!: number;
}

describe('remembered validation rules', () => {
  const codesOf = async (body: unknown) => {
    const error = await createValidationPipe()
      .transform(body, { type: 'body', metatype: ChildRulesDto })
      .catch((e: unknown) => e);
    return error instanceof FieldValidationException ? error.problems.map((p) => [p.field, p.code]) : [];
  };

  it('applies inherited rules on every call, and a rule added later at once', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await codesOf({ name: 1, count: 'x' })).toEqual([
        ['count', 'validation.not_integer'],
        ['name', 'validation.not_string'],
      ]);
    }
    expect(await codesOf({ name: 'a', count: 1, colour: 'red' })).toEqual([['colour', 'validation.unknown_field']]);
    IsIn(['blue'])(ChildRulesDto.prototype, 'colour');
    expect(await codesOf({ name: 'a', count: 1, colour: 'red' })).toEqual([['colour', 'validation.not_in']]);
    expect(await codesOf({ name: 'a', count: 1, colour: 'blue' })).toEqual([]);
  });
});
