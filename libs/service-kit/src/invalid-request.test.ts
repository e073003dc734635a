import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainToInstance, Type } from 'class-transformer';
import { IsInt, Max, ValidateNested, validateSync } from 'class-validator';
import { invalidRequestFrom } from './invalid-request.js';

class Page {
  @IsInt()
  @Max(10)
  size = 1;
}

class Query {
  @ValidateNested()
  @Type(() => Page)
  page = new Page();

  @IsInt()
  limit = 1;
}

describe('invalidRequestFrom', () => {
  it('keeps every failed constraint as a field and a reason, nested fields by their path', () => {
    const errors = validateSync(plainToInstance(Query, { page: { size: 11 }, limit: 'x' }), { whitelist: true, forbidNonWhitelisted: true });
    const error = invalidRequestFrom(errors);
    assert.equal(error.getStatus(), 400);
    assert.deepEqual(error.fields, [
      { field: 'page.size', reason: 'must not be greater than 10' },
      { field: 'limit', reason: 'must be an integer number' },
    ]);
    assert.equal(error.message, 'page.size: must not be greater than 10; limit: must be an integer number');
  });
});
