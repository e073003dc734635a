import { BadRequestException } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FieldProblem } from '@jarvis/contracts';

/** A request refused by validation, with each field and its reason kept apart for the reply, not joined into prose. */
export class InvalidRequest extends BadRequestException {
  constructor(readonly fields: FieldProblem[]) {
    super(fields.map(({ field, reason }) => `${field}: ${reason}`).join('; '));
  }
}

/** The ValidationPipe's exceptionFactory: every failed constraint of every field, nested fields by their path. */
export function invalidRequestFrom(errors: ValidationError[]): InvalidRequest {
  return new InvalidRequest(fieldProblems(errors, ''));
}

function fieldProblems(errors: ValidationError[], parent: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, reason: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message }));
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}
