import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a as g}from"./chunk-YNMHNCH4.js";import{a as d,b as c,c as p}from"./chunk-H22GF7IK.js";function _(e){return p(e)?[e.message,...e.hints.map(t=>`hint: ${t}`)].join(`
`):e instanceof Error?`${e.name==="Error"?"":`${e.name}: `}${e.message}`:String(e)}function u(e){return e.replace(/\\/g,"\\\\").replace(/\|/g,"\\|").replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/\r?\n/g," ")}var a=1e3;function m(e,t){let o=t.slice(0,a).map(i=>`| ${i.map(r=>u(r.slice(0,500))).join(" | ")} |`),n=t.length>a?["",`\u2026and ${t.length-a} more (the step's log has them all).`]:[];return[`| ${e.join(" | ")} |`,`| ${e.map(()=>"---").join(" | ")} |`,...o,...n].join(`
`)}function y(e,t,o,n){let i=`## Infracast validate: ${u(e)}

${o} error(s), ${n} warning(s).
`;return t.length===0?`${i}
No problems found.
`:`${i}
${m(["Severity","File","Line","Col","Code","Message"],t.map(r=>[r.severity,r.file,String(r.line),String(r.col),r.code,r.message]))}
`}var $=(e,t="")=>e==null?"\u2013":`${e>0?"+":""}${Math.round(e*100)/100}${t}`;function k(e){let t=Object.keys(e);return t.length===0?"":`### Scores

${m(["Framework","Score","\u0394 score","SPRS","\u0394 SPRS","Coverage","Previous run"],t.map(o=>{let n=e[o];return[o,n.score===null?"n/a":`${n.score}%`,$(n.delta.score," pt"),n.sprs_score===void 0?"":String(n.sprs_score),n.sprs_score===void 0?"":$(n.delta.sprs_score),`${n.coverage}%`,n.previous_at??"none"]}))}
`}function x(e){return e.length===0?"":`### Rendered

${m(["Definition","File","Format","Size","sha256"],e.map(t=>[t.definition,t.path,t.format,`${t.size_bytes} B`,t.sha256.slice(0,12)]))}
`}function l(e,t){if(t.length===0)return"";let o=t.length>a?`
\u2026and ${t.length-a} more (the step's log has them all).
`:"";return`### ${e}

${t.slice(0,a).map(n=>`- ${u(n.slice(0,500))}`).join(`
`)}
${o}`}function F(e){let t=(e.schedules??[]).filter(n=>n.status!=="due"),o=(e.schedules??[]).filter(n=>n.status==="due");return[`## ${u(e.title)}

At ${e.at}.${e.schedules?` ${o.length} schedule(s) due, ${t.length} not.`:""}
`,o.length>0?l("Due",o.map(n=>`${n.name}: ${n.reason}`)):"",k(e.scores),x(e.artifacts),e.schedules&&e.artifacts.length===0?`Nothing was rendered.
`:"",t.length>0?`### Skipped

${m(["Schedule","Status","Why"],t.map(n=>[n.name,n.status,n.reason]))}
`:"",l("Withheld",e.withheld),l("Published",e.notes),l("Failed",e.failures)].filter(n=>n!=="").join(`
`)}import{execFile as b}from"node:child_process";var h=(e,t)=>new Promise(o=>{b("git",[...t],{cwd:e,maxBuffer:64*1024*1024},(n,i,r)=>{let s=n?typeof n.code=="number"?n.code:128:0;o({code:s,stdout:i,stderr:r||(n&&typeof n.code!="number"?n.message:"")})})}),C=/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;async function U(e){let t=e.git??h,o=e.remote??"origin";if(!C.test(e.sha))throw new c("USAGE",`${e.role} ${JSON.stringify(e.sha)} is not a full commit id`,{hints:["The pull_request event names its base and head commits by their full ids; check the event payload."]});if((await t(e.repoDir,["cat-file","-e",`${e.sha}^{commit}`])).code===0)return!1;e.onLog?.(`${e.role} ${e.sha.slice(0,12)} is not in the clone (a shallow actions/checkout fetches one commit): fetching it from ${o}. fetch-depth: 0 on actions/checkout avoids this fetch.`);let n=await t(e.repoDir,["fetch","--no-tags","--depth=1",o,e.sha]);if(n.code!==0||(await t(e.repoDir,["cat-file","-e",`${e.sha}^{commit}`])).code!==0)throw new c("USAGE",`${e.role} ${e.sha.slice(0,12)} could not be fetched from ${o}: ${n.stderr.trim().split(`
`).pop()??""}`,{exitCode:d.Environment,hints:["Check out with actions/checkout and fetch-depth: 0, so that the base commit is in the clone."]});return!0}async function W(e,t=h){let o=await t(e,["rev-parse","--verify","HEAD^{commit}"]);if(o.code!==0)throw new c("USAGE",`${e} is not a git checkout with a commit: ${o.stderr.trim()}`,{hints:["Run actions/checkout before this step."]});return o.stdout.trim()}async function w(e,t=h){let o=await t(e,["rev-parse","--show-toplevel"]);return o.code===0?o.stdout.trim():void 0}import{realpathSync as D}from"node:fs";import{relative as v,resolve as E,sep as j}from"node:path";function S(e,t){return v(e,t).split(j).join("/")||"."}async function O(e){let t=await w(e.workingDirectory);return t===void 0?e.checkout:E(e.workingDirectory,v(D(e.workingDirectory),t))}async function H(e,t,o){let n=await O(t),i=o.diagnostics.map(r=>{let s={file:S(n,r.file),startLine:r.line,startColumn:r.col},f=r.hint?`${r.message} [${r.code}]
${r.hint}`:`${r.message} [${r.code}]`;return r.severity==="error"?e.error(f,s):e.warning(f,s),{severity:r.severity,file:s.file,line:r.line,col:r.col,code:r.code,message:r.message}});await e.appendSummary(y(S(n,t.workingDirectory),i,o.errorCount,o.warningCount))}function q(e,t,o){return g({paths:[e.workingDirectory],cwd:e.workingDirectory,...o?{at:o}:{},env:t})}function J(e,t={}){e.setOutput("artifacts","[]"),e.setOutput("index",""),e.setOutput("scores","{}"),e.setOutput("changed",String(t.changed??!1))}export{_ as a,u as b,F as c,U as d,W as e,S as f,O as g,H as h,q as i,J as j};
