import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a}from"./chunk-YA5CHX3H.js";import"./chunk-4XG6ES7D.js";export default a();
