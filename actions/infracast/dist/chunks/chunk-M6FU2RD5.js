import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
var e="24.43.1";export{e as a};
/*! For license information please see chunk-M6FU2RD5.js.LEGAL.txt */
