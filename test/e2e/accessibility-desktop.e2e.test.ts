// Every page type through axe-core at 1280 px (test/helpers/axe-sweep.ts; the other width has its own file).
import { describeAxeSweep } from '../helpers/axe-sweep.js';

describeAxeSweep('desktop');
