import { upstreamLookSuite } from './upstream-look-suite.js';

upstreamLookSuite('all-in-one');
