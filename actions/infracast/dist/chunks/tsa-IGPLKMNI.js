import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{ta as a,ua as b,va as c,wa as d,xa as e}from"./chunk-WN2WWTB2.js";import"./chunk-H22GF7IK.js";import"./chunk-4XG6ES7D.js";export{d as readTimestampResponse,e as requestTimestamp,b as timestampRequest,a as tokenCovers,c as tstInfoOf};
