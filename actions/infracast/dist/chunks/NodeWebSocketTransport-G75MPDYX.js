import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a}from"./chunk-PW3DBKCO.js";import"./chunk-MSW6I3VB.js";import"./chunk-4XG6ES7D.js";export{a as NodeWebSocketTransport};
