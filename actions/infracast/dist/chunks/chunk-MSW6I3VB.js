import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
var e="24.43.1";export{e as a};
/*! For license information please see chunk-MSW6I3VB.js.LEGAL.txt */
