import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a}from"./chunk-STGBTGHC.js";import"./chunk-YVMLV4LT.js";import"./chunk-GCSAP7UL.js";import"./chunk-PQMOH3YW.js";import"./chunk-RE3OVPG2.js";import"./chunk-YA5CHX3H.js";import"./chunk-4XG6ES7D.js";export{a as convertPuppeteerChannelToBrowsersChannel};
