import { caddyfileRollbackSuite } from './caddyfile-rollback-suite.js';

caddyfileRollbackSuite('all-in-one');
