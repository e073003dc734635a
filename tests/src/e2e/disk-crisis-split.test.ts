import { diskCrisisSuite } from './disk-crisis-suite.js';

diskCrisisSuite('split');
