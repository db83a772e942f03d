import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
function i(e,o){return e<o?-1:e>o?1:0}function u(e,o){let n=new Map;for(let t of e){let r=o(t),s=n.get(r);s?s.push(t):n.set(r,[t])}return n}function c(e,o){let n=t=>Array.isArray(t)?t.map(n):t!==null&&typeof t=="object"?Object.fromEntries(Object.entries(t).filter(([,r])=>r!==void 0).sort(([r],[s])=>i(r,s)).map(([r,s])=>[r,n(s)])):t;return JSON.stringify(n(e),null,o)}export{i as a,u as b,c};
