import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

function collect(errors: ValidationError[], parent = '', into: Record<string, string[]> = {}) {
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints && error.value === undefined && !('whitelistValidation' in error.constraints)) {
      into[path] = [`${path} is required`];
    } else if (error.constraints) {
      into[path] = Object.values(error.constraints).map((m) =>
        m.startsWith(`property ${error.property} should not exist`)
          ? `unknown field "${path}" is not allowed`
          : m.replace(new RegExp(`^${error.property}\\b`), path),
      );
    }
    if (error.children?.length) collect(error.children, path, into);
  }
  return into;
}

export class FieldValidationException extends BadRequestException {
  constructor(readonly fields: Record<string, string[]>) {
    super(Object.values(fields).flat().join('; '));
  }
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new FieldValidationException(collect(errors)),
  });
}

export { collect as collectValidationErrors };
