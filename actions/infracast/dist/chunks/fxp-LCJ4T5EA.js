import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a,b,c}from"./chunk-YA5TE4JO.js";import"./chunk-4XG6ES7D.js";export{b as XMLBuilder,a as XMLParser,c as XMLValidator};
