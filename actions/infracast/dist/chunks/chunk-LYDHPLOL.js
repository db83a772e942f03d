import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{S as e}from"./chunk-LWPITIWZ.js";var f=/^(<{7}|={7}|>{7})/;function p(i,o,r,c){let n=i.split(`
`);if(n.at(-1)!=="")throw e(o,"is cut off: its last line has no line ending (Infracast ends every line)",n.length);n.pop(),n.forEach((s,t)=>{let a;try{a=JSON.parse(s)}catch(l){throw e(o,`line ${t+1} is not JSON${f.test(s)?` (an unresolved merge conflict: ${r})`:""}`,t+1,l)}c(a,t+1)})}export{p as a};
