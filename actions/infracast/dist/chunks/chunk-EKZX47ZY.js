import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
function t(o,e){let l=o.allowedHosts.some(n=>n.toLowerCase()===e.toLowerCase());if(!(o.allow&&l))return`network.allow is ${String(o.allow)} and ${e} is ${l?"":"not "}in network.allowed_hosts`}export{t as a};
