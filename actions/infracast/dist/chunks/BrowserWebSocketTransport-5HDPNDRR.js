import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a}from"./chunk-ZNMGPMZR.js";import"./chunk-4XG6ES7D.js";export{a as BrowserWebSocketTransport};
