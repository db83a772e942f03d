import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h,i}from"./chunk-E55Z22F3.js";import"./chunk-LV4M5FVZ.js";import"./chunk-F5D5HMTD.js";import"./chunk-WN2WWTB2.js";import"./chunk-H22GF7IK.js";import"./chunk-4XG6ES7D.js";export{c as certificateRevocation,e as certificatesOf,i as collectValidationData,b as fetchCandidates,d as issuerOf,f as pathRevocation,h as revocationCheck,a as revocationProblem,g as revocationSummary};
