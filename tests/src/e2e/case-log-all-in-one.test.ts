import { caseLogSuite } from './case-log-suite.js';

caseLogSuite('all-in-one', 'json');
caseLogSuite('all-in-one', 'text');
