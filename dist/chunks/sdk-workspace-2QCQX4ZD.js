#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a,b}from"./chunk-5RQZHVS2.js";import"./chunk-66VWL7YL.js";import"./chunk-UICKJYL7.js";import"./chunk-6RCUBUDZ.js";import"./chunk-MSXVNZMT.js";export{b as createSdkWorkspace,a as hostOfProfile};
