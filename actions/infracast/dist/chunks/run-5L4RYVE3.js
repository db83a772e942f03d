import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{b as a,c as b,d as c}from"./chunk-6BLAEXPO.js";import"./chunk-FR7UGFR2.js";import"./chunk-LYDHPLOL.js";import"./chunk-YNMHNCH4.js";import"./chunk-BMB6D5YW.js";import"./chunk-LWPITIWZ.js";import"./chunk-ZJPNSY2S.js";import"./chunk-H22GF7IK.js";import"./chunk-XYEPHUPK.js";import"./chunk-4XG6ES7D.js";export{c as artifactsOf,a as dueRun,b as runSchedules};
