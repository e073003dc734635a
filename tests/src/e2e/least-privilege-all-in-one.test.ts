import { leastPrivilegeSuite } from './least-privilege-suite.js';

leastPrivilegeSuite('all-in-one');
