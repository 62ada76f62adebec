#!/usr/bin/env node
import { createRequire as __jobagentCreateRequire } from 'node:module'; const require = __jobagentCreateRequire(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-GHQQ42VX.js";import"./chunk-TK4S6RTH.js";import"./chunk-JXM5UXOS.js";import"./chunk-KC7QYNDT.js";import"./chunk-VBIFKMSC.js";import"./chunk-JE4OGU6V.js";import"./chunk-7G7MDKJF.js";import"./chunk-MSXVNZMT.js";export{a as CONFIG_FILE,g as PROJECT_UNSET_MESSAGE,b as ProjectConfigError,c as loadProjectConfig,e as ownerNameOfRemote,d as parseProjectConfig,f as resolveProjectIdentity};
