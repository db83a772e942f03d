import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a}from"./chunk-YHHMV5W7.js";import"./chunk-JBXFLL7U.js";import"./chunk-GCSAP7UL.js";import"./chunk-RE3OVPG2.js";import"./chunk-YA5CHX3H.js";import"./chunk-PQMOH3YW.js";import"./chunk-4XG6ES7D.js";export{a as convertPuppeteerChannelToBrowsersChannel};
