import { approvalOnceSuite } from './approval-once-suite.js';

approvalOnceSuite('all-in-one');
