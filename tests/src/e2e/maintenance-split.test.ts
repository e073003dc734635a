import { maintenanceSuite } from './maintenance-suite.js';

maintenanceSuite('split');
