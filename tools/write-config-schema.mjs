// Writes infra/config/jarvis.schema.json from the validated config classes; a unit test fails while it is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_SCHEMA_FILE, configSchemaJson } from '@jarvis/config';

const file = fileURLToPath(new URL(`../${CONFIG_SCHEMA_FILE}`, import.meta.url));
writeFileSync(file, configSchemaJson());
process.stdout.write(`wrote ${CONFIG_SCHEMA_FILE}\n`);
