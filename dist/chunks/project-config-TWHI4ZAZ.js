#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g,h}from"./chunk-SJRFF4KF.js";import"./chunk-3S7F4YOF.js";import"./chunk-WIRZQQ6G.js";import"./chunk-67VPSOFW.js";import"./chunk-JE4OGU6V.js";import"./chunk-7G7MDKJF.js";import"./chunk-MSXVNZMT.js";export{a as CONFIG_FILE,h as PROJECT_UNSET_MESSAGE,b as ProjectConfigError,c as loadProjectConfig,f as originRemote,e as ownerNameOfRemote,d as parseProjectConfig,g as resolveProjectIdentity};
