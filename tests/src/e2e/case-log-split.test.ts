import { caseLogSuite } from './case-log-suite.js';

caseLogSuite('split', 'json');
