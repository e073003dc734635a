import { upstreamLookSuite } from './upstream-look-suite.js';

upstreamLookSuite('split');
