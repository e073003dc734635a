import { midCaseFaultsSuite } from './mid-case-faults-suite.js';

midCaseFaultsSuite('all-in-one');
