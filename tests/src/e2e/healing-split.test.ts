import { healingSuite } from './healing-suite.js';

healingSuite('split');
