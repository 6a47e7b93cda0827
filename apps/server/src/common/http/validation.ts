import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import type { ErrorParams, FieldProblem } from '@avisa/contracts';
import { getMetadataStorage, type MetadataStorage } from 'class-validator';
import { passwordFieldProblem } from '../password-policy';

/** The catalogue code of a class-validator constraint, and which of its arguments become params. */
const CONSTRAINT_CODES: Record<string, { code: string; args?: (args: unknown[]) => ErrorParams }> = {
  isString: { code: 'validation.not_string' },
  isInt: { code: 'validation.not_integer' },
  isBoolean: { code: 'validation.not_boolean' },
  isArray: { code: 'validation.not_array' },
  isObject: { code: 'validation.not_object' },
  isUuid: { code: 'validation.not_uuid' },
  isIso8601: { code: 'validation.not_date' },
  isIn: { code: 'validation.not_in', args: ([values]) => ({ values: (values as unknown[]).map(String) }) },
  min: { code: 'validation.min', args: ([min]) => ({ min: Number(min) }) },
  max: { code: 'validation.max', args: ([max]) => ({ max: Number(max) }) },
  minLength: { code: 'validation.min_length', args: ([min]) => ({ min: Number(min) }) },
  maxLength: { code: 'validation.max_length', args: ([max]) => ({ max: Number(max) }) },
  arrayMinSize: { code: 'validation.array_min_size', args: ([min]) => ({ min: Number(min) }) },
  arrayMaxSize: { code: 'validation.array_max_size', args: ([max]) => ({ max: Number(max) }) },
  matches: { code: 'validation.pattern' },
};

/** The arguments a decorator was given (`@MaxLength(64)` → `[64]`), read back from class-validator's metadata. */
function constraintArgs(error: ValidationError, constraint: string): unknown[] {
  const target = error.target?.constructor;
  if (!target) return [];
  const metadata = getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .find((m) => m.propertyName === error.property && m.name === constraint);
  return metadata?.constraints ?? [];
}

function problemOf(error: ValidationError, path: string, constraint: string, message: string): FieldProblem {
  const context = error.contexts?.[constraint] as { code?: string; params?: ErrorParams } | undefined;
  if (context?.code) return { field: path, code: context.code, params: { ...context.params, field: path }, message };
  if (constraint === 'isAcceptablePassword') {
    const [usernameField] = constraintArgs(error, constraint) as (string | undefined)[];
    const username = usernameField ? (error.target as Record<string, unknown> | undefined)?.[usernameField] : undefined;
    const problem = passwordFieldProblem(path, error.value, typeof username === 'string' ? username : undefined);
    if (problem) return { ...problem, message };
  }
  const known = CONSTRAINT_CODES[constraint];
  const params = { ...known?.args?.(constraintArgs(error, constraint)), field: path };
  return { field: path, code: known?.code ?? 'validation.invalid', params, message };
}

function collect(errors: ValidationError[], parent = '', into: FieldProblem[] = []): FieldProblem[] {
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints && error.value === undefined && !('whitelistValidation' in error.constraints)) {
      into.push({ field: path, code: 'validation.required', params: { field: path }, message: `${path} is required` });
    } else if (error.constraints) {
      for (const [constraint, message] of Object.entries(error.constraints)) {
        if (constraint === 'whitelistValidation') {
          const text = `unknown field "${path}" is not allowed`;
          into.push({ field: path, code: 'validation.unknown_field', params: { field: path }, message: text });
        } else {
          into.push(problemOf(error, path, constraint, message.replace(new RegExp(`^${error.property}\\b`), path)));
        }
      }
    }
    if (error.children?.length) collect(error.children, path, into);
  }
  return into;
}

/** English problems by field, as `fields` of the API's answer. */
export function problemsByField(problems: FieldProblem[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const p of problems) (fields[p.field] ??= []).push(p.message);
  return fields;
}

/**
 * 400 naming the fields at fault: code `validation.failed`, each problem with its own code in `problems`.
 * Pass problems built with `fieldProblem()`; a bare `{ field: [messages] }` record gets `validation.invalid`.
 */
export class FieldValidationException extends BadRequestException {
  readonly problems: FieldProblem[];
  readonly fields: Record<string, string[]>;

  constructor(problems: FieldProblem[] | Record<string, string[]>) {
    const list = Array.isArray(problems)
      ? problems
      : Object.entries(problems).flatMap(([field, messages]) =>
          messages.map((message) => ({ field, code: 'validation.invalid', params: { field }, message })),
        );
    const fields = problemsByField(list);
    super(Object.values(fields).flat().join('; '));
    this.problems = list;
    this.fields = fields;
  }
}

type MetadataLookup = MetadataStorage['getTargetValidationMetadatas'];

/**
 * class-validator finds a DTO's rules anew for every object it validates, testing the object's class against every
 * class that has rules (`instanceof`, for inherited ones): about 2 % of an API call's CPU with Avisa's DTOs. The
 * rules are declared by decorators when the classes load, so the answer is kept per class and options, and
 * forgotten whenever a rule is added. Done here rather than by a library: class-validator has no option for it.
 */
export function rememberValidationRules(storage: MetadataStorage = getMetadataStorage()): void {
  const patched = storage as MetadataStorage & { rulesRemembered?: true };
  if (patched.rulesRemembered) return;
  patched.rulesRemembered = true;
  const find: MetadataLookup = storage.getTargetValidationMetadatas.bind(storage);
  let known = new WeakMap<object, Map<string, ReturnType<MetadataLookup>>>();
  patched.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (typeof target !== 'function') return find(target, schema, always, strictGroups, groups);
    const key = `${schema}\n${always}\n${strictGroups}\n${groups?.join('\n') ?? ''}`;
    let byOptions = known.get(target);
    if (!byOptions) known.set(target, (byOptions = new Map()));
    let rules = byOptions.get(key);
    if (!rules) byOptions.set(key, (rules = find(target, schema, always, strictGroups, groups)));
    return rules;
  };
  const add = storage.addValidationMetadata.bind(storage);
  patched.addValidationMetadata = (metadata) => {
    known = new WeakMap();
    add(metadata);
  };
}

export function createValidationPipe(): ValidationPipe {
  rememberValidationRules();
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: true, value: true },
    exceptionFactory: (errors) => new FieldValidationException(collect(errors)),
  });
}

export { collect as collectValidationErrors };
