import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a}from"./chunk-DHCO5VAR.js";import"./chunk-M6FU2RD5.js";import"./chunk-4XG6ES7D.js";export{a as NodeWebSocketTransport};
