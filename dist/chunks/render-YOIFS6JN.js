#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a,b,c,d,e,f}from"./chunk-A6CYKIAT.js";import"./chunk-JDSZKXCH.js";import"./chunk-KQKMJ7DQ.js";import"./chunk-5VM2YAWP.js";import"./chunk-VBIFKMSC.js";import"./chunk-7G7MDKJF.js";import"./chunk-MSXVNZMT.js";export{a as escapeMarkdown,b as escapePre,e as planToJson,c as redactSecrets,f as renderPlanJson,d as renderPlanMarkdown};
