import { maintenanceSuite } from './maintenance-suite.js';

maintenanceSuite('all-in-one');
