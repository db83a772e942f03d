import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a}from"./chunk-X32BUVJK.js";import"./chunk-POF6VWCE.js";import"./chunk-HE4AZ6AS.js";import"./chunk-M6B4YO7M.js";import"./chunk-LBLNFIEQ.js";import"./chunk-UCVWYFEZ.js";import"./chunk-4XG6ES7D.js";export{a as convertPuppeteerChannelToBrowsersChannel};
