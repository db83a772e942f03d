import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
function r(s){let t=s.raw.cui;return(Array.isArray(t?.authorised_destinations)?t.authorised_destinations:[]).filter(e=>e==="commit"||e==="release"||e==="comment"||e==="email")}function n(s,t,a){let e=r(a).includes(t),o={allowed:[],withheld:[]};for(let i of s)!i.cui||e?o.allowed.push(i):o.withheld.push({artifact:i,reason:`${i.path}: CUI, withheld from ${t} (infracast.yaml cui.authorised_destinations does not list ${t})`});return o}export{r as a,n as b};
