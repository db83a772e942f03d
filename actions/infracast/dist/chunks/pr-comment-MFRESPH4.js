import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{b as a,c as b,d as c,e as d}from"./chunk-HN5NTIY6.js";import"./chunk-H22GF7IK.js";import"./chunk-4XG6ES7D.js";export{a as COMMENT_MAX_CHARS,b as findSticky,c as listComments,d as upsertComment};
