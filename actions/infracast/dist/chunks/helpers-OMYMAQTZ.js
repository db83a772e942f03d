import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a as e,b as i,d as r,e as p}from"./chunk-V4NBTYGQ.js";import"./chunk-4XG6ES7D.js";var f=(o,t,m)=>p(o,t,m,r);export{e as Parser,f as applyExtends,i as hideBin};
