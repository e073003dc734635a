import { diskCrisisSuite } from './disk-crisis-suite.js';

diskCrisisSuite('all-in-one');
