import { caddyfileRollbackSuite } from './caddyfile-rollback-suite.js';

caddyfileRollbackSuite('split');
