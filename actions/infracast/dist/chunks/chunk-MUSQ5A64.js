import { createRequire as __infracastCreateRequire } from 'node:module';
const require = __infracastCreateRequire(import.meta.url);
import{a as $}from"./chunk-YNMHNCH4.js";import{a as d,b as s,c as g}from"./chunk-H22GF7IK.js";function P(e){return g(e)?[e.message,...e.hints.map(t=>`hint: ${t}`)].join(`
`):e instanceof Error?`${e.name==="Error"?"":`${e.name}: `}${e.message}`:String(e)}var h=["score-lowered","high-poam","cmmc-eligibility"];function H(e){let t=e.split(",").map(n=>n.trim()).filter(n=>n!=="");for(let n of t)if(!h.includes(n))throw new s("USAGE",`input fail-on: "${n}" is not one of ${h.join(", ")}`,{hints:[`Write a comma-separated list of: ${h.join(", ")}.`]});return[...new Set(t)]}var x=new Set(["high","critical"]),w=e=>e===null?"n/a":`${e}%`;function _(e){let t=[];for(let n of e.frameworks){let r=n.sprs_before??null,i=n.sprs_after??null;r!==null&&i!==null&&i<r?t.push(`${n.framework} SPRS ${r} -> ${i}`):n.before!==null&&(n.after===null||n.after<n.before)&&t.push(`${n.framework} ${w(n.before)} -> ${w(n.after)}`)}return t}function L(e,t){let n=[];if(e.includes("score-lowered")){let r=_(t);r.length>0&&n.push(`fail-on score-lowered: this pull request lowers ${r.join("; ")}`)}if(e.includes("high-poam")){let r=t.poam_opening.filter(i=>x.has(i.risk.toLowerCase()));r.length>0&&n.push(`fail-on high-poam: this pull request would open ${r.length} High or Critical POA&M item(s): ${r.map(i=>`${i.control} (${i.risk}${i.deadline?`, due ${i.deadline}`:""})`).join(", ")}`)}return e.includes("cmmc-eligibility")&&t.cmmc?.eligible_before&&!t.cmmc.eligible_after&&n.push(`fail-on cmmc-eligibility: this pull request loses CMMC eligibility (${t.cmmc.before} -> ${t.cmmc.after})`),n}function u(e){return e.replace(/\\/g,"\\\\").replace(/\|/g,"\\|").replace(/&/g,"&amp;").replace(/</g,"&lt;").replace(/\r?\n/g," ")}var a=1e3;function f(e,t){let n=t.slice(0,a).map(i=>`| ${i.map(o=>u(o.slice(0,500))).join(" | ")} |`),r=t.length>a?["",`\u2026and ${t.length-a} more (the step's log has them all).`]:[];return[`| ${e.join(" | ")} |`,`| ${e.map(()=>"---").join(" | ")} |`,...n,...r].join(`
`)}function S(e,t,n,r){let i=`## Infracast validate: ${u(e)}

${n} error(s), ${r} warning(s).
`;return t.length===0?`${i}
No problems found.
`:`${i}
${f(["Severity","File","Line","Col","Code","Message"],t.map(o=>[o.severity,o.file,String(o.line),String(o.col),o.code,o.message]))}
`}var y=(e,t="")=>e==null?"\u2013":`${e>0?"+":""}${Math.round(e*100)/100}${t}`;function C(e){let t=Object.keys(e);return t.length===0?"":`### Scores

${f(["Framework","Score","\u0394 score","SPRS","\u0394 SPRS","Coverage","Previous run"],t.map(n=>{let r=e[n];return[n,r.score===null?"n/a":`${r.score}%`,y(r.delta.score," pt"),r.sprs_score===void 0?"":String(r.sprs_score),r.sprs_score===void 0?"":y(r.delta.sprs_score),`${r.coverage}%`,r.previous_at??"none"]}))}
`}function j(e){return e.length===0?"":`### Rendered

${f(["Definition","File","Format","Size","sha256"],e.map(t=>[t.definition,t.path,t.format,`${t.size_bytes} B`,t.sha256.slice(0,12)]))}
`}function l(e,t){if(t.length===0)return"";let n=t.length>a?`
\u2026and ${t.length-a} more (the step's log has them all).
`:"";return`### ${e}

${t.slice(0,a).map(r=>`- ${u(r.slice(0,500))}`).join(`
`)}
${n}`}function W(e){let t=(e.schedules??[]).filter(r=>r.status!=="due"),n=(e.schedules??[]).filter(r=>r.status==="due");return[`## ${u(e.title)}

At ${e.at}.${e.schedules?` ${n.length} schedule(s) due, ${t.length} not.`:""}
`,n.length>0?l("Due",n.map(r=>`${r.name}: ${r.reason}`)):"",C(e.scores),j(e.artifacts),e.schedules&&e.artifacts.length===0?`Nothing was rendered.
`:"",t.length>0?`### Skipped

${f(["Schedule","Status","Why"],t.map(r=>[r.name,r.status,r.reason]))}
`:"",l("Withheld",e.withheld),l("Published",e.notes),l("Failed",e.failures)].filter(r=>r!=="").join(`
`)}import{execFile as E}from"node:child_process";var m=(e,t)=>new Promise(n=>{E("git",[...t],{cwd:e,maxBuffer:64*1024*1024},(r,i,o)=>{let c=r?typeof r.code=="number"?r.code:128:0;n({code:c,stdout:i,stderr:o||(r&&typeof r.code!="number"?r.message:"")})})}),O=/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;async function T(e){let t=e.git??m,n=e.remote??"origin";if(!O.test(e.sha))throw new s("USAGE",`${e.role} ${JSON.stringify(e.sha)} is not a full commit id`,{hints:["The pull_request event names its base and head commits by their full ids; check the event payload."]});if((await t(e.repoDir,["cat-file","-e",`${e.sha}^{commit}`])).code===0)return!1;e.onLog?.(`${e.role} ${e.sha.slice(0,12)} is not in the clone (a shallow actions/checkout fetches one commit): fetching it from ${n}. fetch-depth: 0 on actions/checkout avoids this fetch.`);let r=await t(e.repoDir,["fetch","--no-tags","--depth=1",n,e.sha]);if(r.code!==0||(await t(e.repoDir,["cat-file","-e",`${e.sha}^{commit}`])).code!==0)throw new s("USAGE",`${e.role} ${e.sha.slice(0,12)} could not be fetched from ${n}: ${r.stderr.trim().split(`
`).pop()??""}`,{exitCode:d.Environment,hints:["Check out with actions/checkout and fetch-depth: 0, so that the base commit is in the clone."]});return!0}async function z(e,t=m){let n=await t(e,["rev-parse","--verify","HEAD^{commit}"]);if(n.code!==0)throw new s("USAGE",`${e} is not a git checkout with a commit: ${n.stderr.trim()}`,{hints:["Run actions/checkout before this step."]});return n.stdout.trim()}async function k(e,t=m){let n=await t(e,["rev-parse","--show-toplevel"]);return n.code===0?n.stdout.trim():void 0}import{realpathSync as A}from"node:fs";import{relative as v,resolve as D,sep as R}from"node:path";function b(e,t){return v(e,t).split(R).join("/")||"."}async function F(e){let t=await k(e.workingDirectory);return t===void 0?e.checkout:D(e.workingDirectory,v(A(e.workingDirectory),t))}async function Z(e,t,n){let r=await F(t),i=n.diagnostics.map(o=>{let c={file:b(r,o.file),startLine:o.line,startColumn:o.col},p=o.hint?`${o.message} [${o.code}]
${o.hint}`:`${o.message} [${o.code}]`;return o.severity==="error"?e.error(p,c):e.warning(p,c),{severity:o.severity,file:c.file,line:o.line,col:o.col,code:o.code,message:o.message}});await e.appendSummary(S(b(r,t.workingDirectory),i,n.errorCount,n.warningCount))}function ee(e,t,n){return $({paths:[e.workingDirectory],cwd:e.workingDirectory,...n?{at:n}:{},env:t})}function te(e,t={}){e.setOutput("artifacts","[]"),e.setOutput("index",""),e.setOutput("scores","{}"),e.setOutput("changed",String(t.changed??!1))}export{P as a,H as b,L as c,u as d,W as e,T as f,z as g,b as h,F as i,Z as j,ee as k,te as l};
