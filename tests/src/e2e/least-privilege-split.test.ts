import { leastPrivilegeSuite } from './least-privilege-suite.js';

leastPrivilegeSuite('split');
