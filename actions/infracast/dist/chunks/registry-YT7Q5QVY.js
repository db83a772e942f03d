import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{m as a,n as b,o as c,p as d,q as e,r as f,s as g,t as h,u as i}from"./chunk-XMXUZUOJ.js";import"./chunk-4XG6ES7D.js";export{e as HEAD_BYTES,g as LOADERS,a as MAX_RECORD_BYTES,f as RecordError,b as RecordTooLargeError,d as SplitError,c as TooLargeError,h as detectFormat,i as unrecognisedExplanation};
