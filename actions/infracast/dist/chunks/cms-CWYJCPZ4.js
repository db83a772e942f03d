import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i,j}from"./chunk-F5D5HMTD.js";import"./chunk-WN2WWTB2.js";import"./chunk-H22GF7IK.js";import"./chunk-4XG6ES7D.js";export{a as OID,h as addTimestampToken,d as assertSigningKeyType,j as certificateEmail,i as commonName,b as cryptoEngine,c as parseCertificates,e as readSigningKey,f as signDetached,g as signatureValue};
