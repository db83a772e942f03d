import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-3ZJ2LLN6.js";import"./chunk-BAE3Z4TT.js";import"./chunk-LV4M5FVZ.js";import"./chunk-F5D5HMTD.js";import"./chunk-WN2WWTB2.js";import"./chunk-H22GF7IK.js";import"./chunk-4XG6ES7D.js";export{a as INFO_KEYS,c as INFO_KEY_PREFIX,f as addSignatureField,d as hasSignature,g as signPdf,e as signatureWidget,b as verifyPdf};
