import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Describe } from './config-description.js';
import { CONFIG_SCHEMA_FILE, configSchemaJson, sectionSchema, type JsonSchema } from './config-schema.js';
import { defaultConfig, parseConfig } from './load-config.js';

const REPO_ROOT = new URL('../../../', import.meta.url);
const SAMPLE_FILE = 'infra/config/jarvis.sample.yaml';

function schemaAt(schema: JsonSchema, path: string): JsonSchema {
  return path.split('.').reduce((node, key) => (node['properties'] as Record<string, JsonSchema>)[key]!, schema);
}

describe('the JSON Schema of jarvis.yaml', () => {
  const schema = JSON.parse(configSchemaJson()) as JsonSchema;

  it(`is committed as generated (run \`npm run config:schema\` when this fails)`, () => {
    assert.equal(readFileSync(new URL(CONFIG_SCHEMA_FILE, REPO_ROOT), 'utf8'), configSchemaJson());
  });

  it('gives each setting its type, bounds, default and description', () => {
    assert.deepEqual(schemaAt(schema, 'watch.reconcileIntervalSeconds'), {
      description: 'Full re-read of every watched container, in seconds. Docker events give the fast path; this catches anything they missed.',
      type: 'integer',
      minimum: 1,
      maximum: 3600,
      default: 30,
    });
    assert.deepEqual(schemaAt(schema, 'policy.autoRestart')['type'], 'boolean');
    assert.deepEqual(schemaAt(schema, 'policy.autoRestart')['default'], true);
    assert.deepEqual(schemaAt(schema, 'logLevel')['enum'], ['error', 'warn', 'log', 'debug']);
    assert.deepEqual(schemaAt(schema, 'gateway.host')['anyOf'], [{ format: 'ipv4' }, { format: 'ipv6' }]);
    assert.deepEqual(schemaAt(schema, 'watch.containers')['items'], { type: 'string', pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$' });
    assert.equal(schemaAt(schema, 'watch.containers')['maxItems'], 1000);
  });

  it('refuses unknown keys in every section, as the loader does', () => {
    assert.equal(schema['additionalProperties'], false);
    assert.equal(schemaAt(schema, 'policy')['additionalProperties'], false);
    assert.equal(schemaAt(schema, 'policy.backoff')['additionalProperties'], false);
    assert.deepEqual(Object.keys(schemaAt(schema, 'policy.backoff')['properties'] as object), ['initialMs', 'maxMs']);
  });

  it('has the default of every setting equal to the loaded default', () => {
    const check = (node: JsonSchema, value: unknown, path: string): void => {
      if (node['type'] === 'object') {
        // An optional section (ddclient) is absent by default: no default in the schema either.
        if (value === undefined) return assert.equal(node['default'], undefined, path);
        for (const [key, child] of Object.entries(node['properties'] as Record<string, JsonSchema>)) check(child, (value as Record<string, unknown>)[key], `${path}.${key}`);
        return;
      }
      assert.deepEqual(node['default'], JSON.parse(JSON.stringify(value)) as unknown, path);
    };
    check(schema, defaultConfig(), '(root)');
  });

  it('describes every setting, so an editor has something to show on hover', () => {
    const missing: string[] = [];
    const walk = (node: JsonSchema, path: string): void => {
      for (const [key, child] of Object.entries((node['properties'] ?? {}) as Record<string, JsonSchema>)) {
        if (typeof child['description'] !== 'string') missing.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
      }
    };
    walk(schema, '');
    assert.deepEqual(missing, [], 'add @Describe("...") to these properties');
  });
});

class Endpoint {
  @Describe('The URL probed.')
  @IsString()
  @Matches(/^https?:\/\//i)
  url!: string;

  @IsOptional()
  @IsInt()
  expectStatus?: number;
}

class Probes {
  @IsInt()
  @Min(1)
  @Max(60)
  intervalSeconds = 15;
}

class Http {
  @ValidateNested()
  @Type(() => Endpoint)
  endpoints: Endpoint[] = [];

  @ValidateNested()
  @Type(() => Probes)
  probes = new Probes();

  @IsIn(['strict', 'lax'])
  mode = 'strict';
}

class Root {
  @Describe('HTTP endpoints.')
  @ValidateNested()
  @Type(() => Http)
  http = new Http();
}

class Loop {
  @ValidateNested()
  @Type(() => Loop)
  inner?: Loop;
}

describe('sectionSchema', () => {
  it('picks up every class reachable through @ValidateNested and @Type, lists of sections included', () => {
    const http = schemaAt(sectionSchema(Root, []), 'http');
    assert.equal(http['description'], 'HTTP endpoints.');
    assert.deepEqual(schemaAt(http, 'probes.intervalSeconds'), { type: 'integer', minimum: 1, maximum: 60, default: 15 });
    assert.deepEqual(schemaAt(http, 'mode'), { enum: ['strict', 'lax'], default: 'strict' });
    assert.deepEqual(schemaAt(http, 'endpoints'), {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { url: { description: 'The URL probed.', type: 'string' }, expectStatus: { type: 'integer' } },
        required: ['url'],
      },
      default: [],
    });
  });

  it('refuses a section that contains itself instead of recursing forever', () => {
    assert.throws(() => sectionSchema(Loop, []), /Loop: a section cannot contain itself \(Loop > Loop\)/);
  });
});

describe('the sample jarvis.yaml', () => {
  const sample = readFileSync(new URL(SAMPLE_FILE, REPO_ROOT), 'utf8');

  it('points editors at the schema beside it', () => {
    assert.equal(sample.split('\n')[0], '# yaml-language-server: $schema=./jarvis.schema.json');
  });

  it('loads, and shows every default as it is', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(parseConfig(sample, SAMPLE_FILE))), JSON.parse(JSON.stringify(defaultConfig())));
  });
});
