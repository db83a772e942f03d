import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a as f,b as g,c as h,d as i}from"./chunk-OWK6DFWY.js";import{m as a,n as b,o as c,p as d,q as e}from"./chunk-XYEPHUPK.js";import"./chunk-4XG6ES7D.js";export{a as HEAD_BYTES,g as LOADERS,c as MAX_RECORD_BYTES,b as RecordError,d as RecordTooLargeError,f as SplitError,e as TooLargeError,h as detectFormat,i as unrecognisedExplanation};
