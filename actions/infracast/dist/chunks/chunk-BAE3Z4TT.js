import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
function t(r){return["malformed","unsigned","tampered","untrusted","valid"].find(d=>r.includes(d))??"valid"}export{t as a};
