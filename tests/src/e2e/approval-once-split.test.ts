import { approvalOnceSuite } from './approval-once-suite.js';

approvalOnceSuite('split');
