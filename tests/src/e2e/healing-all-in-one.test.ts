import { healingSuite } from './healing-suite.js';

healingSuite('all-in-one');
