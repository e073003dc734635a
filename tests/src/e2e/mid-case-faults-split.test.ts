import { midCaseFaultsSuite } from './mid-case-faults-suite.js';

midCaseFaultsSuite('split');
